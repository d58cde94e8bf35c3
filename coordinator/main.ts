/**
 * `deno task serve [--port 8000] [--models DIR] [--nats URL] [--workers N] [--cluster NAME]`:
 * serves the inference protocol over HTTP. Env: MESHRT_PORT, MESHRT_MODELS, NATS_URL,
 * MESHRT_CLUSTER, MESHRT_TOKEN (bearer token the API then requires).
 * @module
 */
import { parseArgs } from "node:util";
import { startServer } from "./server/serve.ts";

const env = (k: string) => Deno.env.get(k);
const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: env("MESHRT_PORT") ?? "8000" },
    hostname: { type: "string", default: "0.0.0.0" },
    models: { type: "string", default: env("MESHRT_MODELS") },
    nats: { type: "string", default: env("NATS_URL") },
    workers: { type: "string" },
    cluster: { type: "string", default: env("MESHRT_CLUSTER") ?? "default" },
  },
});
const port = Number(values.port);
const workers = values.workers === undefined ? undefined : Number(values.workers);
if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
  console.error(`Cannot start: --port "${values.port}" is not a port number`);
  Deno.exit(2);
}
if (workers !== undefined && !(Number.isSafeInteger(workers) && workers > 0)) {
  console.error(`Cannot start: --workers "${values.workers}" is not a positive integer`);
  Deno.exit(2);
}
const server = await startServer({
  port,
  hostname: values.hostname,
  modelsDir: values.models,
  natsUrl: values.nats,
  workers,
  cluster: values.cluster,
  token: env("MESHRT_TOKEN"),
});
const mode = values.nats
  ? `NATS ${values.nats}`
  : `embedded, ${workers ?? navigator.hardwareConcurrency} local workers`;
console.log(`meshrt listening on ${server.url} (cluster "${values.cluster}", ${mode})`);
server.loaded.then(() =>
  console.log(
    `meshrt ready: ${
      server.repository.served().map((s) => `${s.deployed.name}/${s.deployed.version}`).join(
        ", ",
      ) || "no models"
    }`,
  )
);
const shutdown = async () => {
  await server.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
