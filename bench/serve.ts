/**
 * `deno task bench serve [--seconds 2] [--workers 1]`: requests/s over HTTP at
 * concurrency 1, 8 and 32, with and without dynamic batching, on a small MLP
 * (x [N, 64] → MatMul 64×256 → Relu → MatMul 256×16 → y).
 * @module
 */
import { parseArgs } from "node:util";
import { encodeModel } from "../graph/encode_model.ts";
import type { Model, Node } from "../graph/ir.ts";
import { startServer } from "../coordinator/server/serve.ts";

const { values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { seconds: { type: "string", default: "2" }, workers: { type: "string", default: "1" } },
});
const SECONDS = Number(values.seconds);
const IN = 64, HIDDEN = 256, OUT = 16;

function weight(rows: number, cols: number) {
  const data = new Float32Array(rows * cols).map((_, i) => Math.sin(i) * 0.1);
  return { dtype: "float32" as const, dims: [rows, cols], data };
}

function mlp(): Uint8Array {
  const node = (name: string, opType: string, inputs: string[], output: string): Node => ({
    name,
    opType,
    domain: "",
    inputs,
    outputs: [output],
    attributes: new Map(),
  });
  const model: Model = {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "meshrt-bench",
    producerVersion: "1",
    metadata: new Map(),
    graph: {
      name: "mlp",
      nodes: [
        node("m1", "MatMul", ["x", "w1"], "h"),
        node("r", "Relu", ["h"], "a"),
        node("m2", "MatMul", ["a", "w2"], "y"),
      ],
      inputs: [{ name: "x", dtype: "float32", dims: ["N", IN] }],
      outputs: [{ name: "y", dtype: "float32", dims: ["N", OUT] }],
      initializers: new Map([["w1", weight(IN, HIDDEN)], ["w2", weight(HIDDEN, OUT)]]),
      valueInfo: new Map(),
    },
  };
  return encodeModel(model);
}

async function repository(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "meshrt-bench-" });
  const bytes = mlp();
  for (
    const [name, config] of [["plain", {}], ["batched", {
      max_batch_size: 32,
      dynamic_batching: { max_queue_delay_microseconds: 1000 },
    }]] as const
  ) {
    await Deno.mkdir(`${dir}/${name}/1`, { recursive: true });
    await Deno.writeFile(`${dir}/${name}/1/model.onnx`, bytes);
    await Deno.writeTextFile(`${dir}/${name}/config.json`, JSON.stringify(config));
  }
  return dir;
}

/** Requests/s with `concurrency` clients each sending requests back to back for SECONDS. */
async function measure(url: string, concurrency: number): Promise<number> {
  const body = JSON.stringify({
    inputs: [{
      name: "x",
      shape: [1, IN],
      datatype: "FP32",
      data: Array.from({ length: IN }, (_, i) => i / IN),
    }],
  });
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      done++;
    }
  }));
  return done / SECONDS;
}

await using server = await startServer({
  port: 0,
  hostname: "127.0.0.1",
  modelsDir: await repository(),
  workers: Number(values.workers),
});
await server.loaded;
console.log(
  `meshrt serve bench: MLP ${IN}→${HIDDEN}→${OUT}, ${values.workers} local worker(s), ${SECONDS} s per point`,
);
console.log("concurrency | no batching req/s | batching req/s | mean batch");
for (const c of [1, 8, 32]) {
  for (const model of ["plain", "batched"]) {
    await measure(`${server.url}/v2/models/${model}/infer`, c); // warm-up
  }
  const plain = await measure(`${server.url}/v2/models/plain/infer`, c);
  const before = await batchStats(server.url);
  const batched = await measure(`${server.url}/v2/models/batched/infer`, c);
  const after = await batchStats(server.url);
  const meanBatch = (after.rows - before.rows) / Math.max(1, after.executions - before.executions);
  console.log(
    `${String(c).padStart(11)} | ${plain.toFixed(0).padStart(17)} | ${
      batched.toFixed(0).padStart(14)
    } | ${meanBatch.toFixed(1)}`,
  );
}

async function batchStats(url: string): Promise<{ rows: number; executions: number }> {
  const s = (await (await fetch(`${url}/v2/models/batched/stats`)).json()).model_stats[0];
  return { rows: s.inference_count, executions: s.execution_count };
}
