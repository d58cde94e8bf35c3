/**
 * Shared by the serve tests: a repository folder of small models and a running server
 * over real HTTP.
 * @module
 */
import { encodeModel } from "../graph/encode_model.ts";
import type { Model } from "../graph/ir.ts";
import { type Server, type ServerOptions, startServer } from "../coordinator/server/serve.ts";

/** Speeds local workers announce in tests, so none calibrates. */
export const SPEEDS = { "wasm.compute": 10, "wasm.memory": 1 };

/** x float32 [N, 3] → Relu → y: a model whose first dim batches. */
export function batchReluModel(): Uint8Array {
  const model: Model = {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "meshrt-test",
    producerVersion: "1",
    metadata: new Map(),
    graph: {
      name: "relu_n",
      nodes: [{
        name: "r",
        opType: "Relu",
        domain: "",
        inputs: ["x"],
        outputs: ["y"],
        attributes: new Map(),
      }],
      inputs: [{ name: "x", dtype: "float32", dims: ["N", 3] }],
      outputs: [{ name: "y", dtype: "float32", dims: ["N", 3] }],
      initializers: new Map(),
      valueInfo: new Map(),
    },
  };
  return encodeModel(model);
}

/** Writes `files` (path → bytes or JSON) under a fresh temporary folder; returns it. */
export async function makeRepository(files: Record<string, Uint8Array | object>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "meshrt-repo-" });
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    const bytes = content instanceof Uint8Array
      ? content
      : new TextEncoder().encode(JSON.stringify(content));
    await Deno.writeFile(`${dir}/${path}`, bytes);
  }
  return dir;
}

/** Starts an embedded server with one local worker on a free port, loaded. */
export async function serveForTest(options: Partial<ServerOptions> = {}): Promise<Server> {
  const server = await startServer({
    port: 0,
    hostname: "127.0.0.1",
    workers: 1,
    workerSpeeds: SPEEDS,
    ...options,
  });
  await server.loaded;
  return server;
}

/** POSTs JSON; returns the response. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" || body instanceof Uint8Array
      ? body as BodyInit
      : JSON.stringify(body),
  });
}
