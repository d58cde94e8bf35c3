/**
 * `deno task worker --nats URL [--id ID] [--name NAME] [--memory 4G] [--cluster NAME]
 * [--backend wasm|webgpu|auto]`: joins a meshrt cluster and serves the stages its coordinator
 * assigns. NATS_URL works too. "auto" runs stages on WebGPU when an adapter exists.
 * @module
 */
import { parseArgs } from "node:util";
import { connectNats } from "../bus/nats_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import { WorkerAgent } from "./agent/agent.ts";
import { parseBytes } from "./agent/parse_bytes.ts";
import { type BackendRequest, pickBackend } from "./agent/pick_backend.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    nats: { type: "string", default: Deno.env.get("NATS_URL") },
    id: { type: "string" },
    name: { type: "string" },
    memory: { type: "string" },
    cluster: { type: "string", default: Deno.env.get("MESHRT_CLUSTER") ?? "default" },
    backend: { type: "string", default: "wasm" },
  },
});
if (!values.nats) {
  console.error(
    "Cannot start a worker: give the NATS server with --nats nats://HOST:4222 or NATS_URL",
  );
  Deno.exit(2);
}
if (!["wasm", "webgpu", "auto"].includes(values.backend)) {
  console.error(
    `Cannot start a worker: backend "${values.backend}" is not one of wasm, webgpu, auto`,
  );
  Deno.exit(2);
}
const picked = await pickBackend(values.backend as BackendRequest).catch((e: Error) => {
  console.error(`Cannot start a worker: ${e.message}`);
  Deno.exit(2);
});
const bus = await connectNats({ servers: values.nats, name: values.name ?? "meshrt-worker" });
const agent = await WorkerAgent.start(bus, new Subjects(values.cluster), {
  id: values.id,
  name: values.name,
  memoryBytes: values.memory ? parseBytes(values.memory) : undefined,
  ...picked,
});
console.log(
  `meshrt worker ${agent.id} (${agent.name}) joined cluster "${values.cluster}" at ${values.nats}` +
    ` on ${agent.backend}${picked.adapter ? ` (${picked.adapter})` : ""}: ` +
    Object.entries(agent.speeds).map(([k, v]) => `${k} ${v.toFixed(1)} GFLOP/s`).join(", "),
);
const shutdown = async () => {
  await agent.stop();
  await bus.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
