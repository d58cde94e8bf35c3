/**
 * `deno task bench cluster`: requests/s of PP-OCRv4 det and rec through the cluster with
 * 1 worker (1 stage) and 2 workers (2 pipelined stages), over the in-process bus and over
 * NATS, plus the cost of one extra hop measured on a one-node model. NATS runs twice: with
 * the server's default max_payload (1 MiB: det's frames travel in checksummed chunks) and
 * with 8 MiB (each frame one message).
 * @module
 */
import type { Bus } from "../bus/bus.ts";
import { MemoryHub } from "../bus/memory_bus.ts";
import { connectNats } from "../bus/nats_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import { Cluster, type DeployedModel } from "../coordinator/cluster/cluster.ts";
import { startLocalWorkers } from "../coordinator/cluster/local_workers.ts";
import type { Model } from "../graph/ir.ts";
import { Tensor } from "../graph/tensor.ts";
import { prepareModel } from "../worker/prepare_model.ts";
import { InferenceSession } from "../worker/session.ts";
import { loadModelCase, type ModelName, modelPath } from "../tests/model_cases.ts";
import { startNatsServer } from "../tests/nats_server.ts";

/** One measured configuration. */
export interface ClusterRow {
  model: string;
  transport: "engine" | TransportName;
  workers: number;
  stages: number;
  requestsPerSec: number;
}

/** The transports measured. */
type TransportName = "in-process" | "nats" | "nats 8 MiB";

/** A way to get `n` workers on a bus; returns the coordinator's bus and a cleanup. */
type Transport = (n: number) => Promise<{ bus: Bus; close: () => Promise<void> }>;

const inProcess: Transport = async (n) => {
  const hub = new MemoryHub();
  const local = await startLocalWorkers(hub, "bench", n);
  return { bus: hub.connect(), close: () => Promise.resolve(local.close()) };
};

const MIB = 1024 * 1024;

/** NATS with a server whose max_payload is `maxPayload`. */
const overNats = (maxPayload: number): Transport => async (n) => {
  const server = await startNatsServer({ maxPayload });
  const procs = Array.from({ length: n }, (_, i) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "worker/main.ts",
        "--nats",
        server.url,
        "--id",
        `b${i}`,
        "--cluster",
        "bench",
      ],
      stdout: "null",
    }).spawn());
  const bus = await connectNats({ servers: server.url });
  return {
    bus,
    close: async () => {
      await bus.close();
      for (const p of procs) p.kill("SIGKILL");
      await Promise.all(procs.map((p) => p.status));
      await server[Symbol.asyncDispose]();
    },
  };
};

const TRANSPORTS: Record<TransportName, Transport> = {
  "in-process": inProcess,
  "nats": overNats(MIB),
  "nats 8 MiB": overNats(8 * MIB),
};

/** Requests/s with `concurrency` requests kept in flight for `durationMs`. */
async function throughput(
  run: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  for (let i = 0; i < concurrency; i++) await run();
  let done = 0;
  const end = performance.now() + durationMs;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      await run();
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

async function measure(
  transport: Transport,
  model: Model,
  feeds: Record<string, Tensor>,
  workers: number,
  durationMs: number,
): Promise<number> {
  const { bus, close } = await transport(workers);
  const cluster = new Cluster(bus, new Subjects("bench"));
  try {
    await cluster.membership.waitFor(workers);
    const deployed = await cluster.load("m", "1", model, { stages: workers });
    await settle(deployed, feeds);
    return await throughput(() => deployed.run(feeds), 2 * workers, durationMs);
  } finally {
    await cluster.close();
    await close();
  }
}

/** Runs requests one at a time until the placement has learned from measured stage times. */
async function settle(deployed: DeployedModel, feeds: Record<string, Tensor>): Promise<void> {
  for (let i = 0; i < 50 && deployed.calibrating; i++) {
    await deployed.run(feeds);
    await deployed.replanning;
  }
}

/** Measures each model on the engine alone, then 1 and 2 workers on each transport. */
export async function benchCluster(
  names: readonly ModelName[] = ["ppocr_v4_det", "ppocr_v4_rec"],
  durationMs = 6000,
): Promise<ClusterRow[]> {
  const rows: ClusterRow[] = [];
  for (const name of names) {
    const bytes = await Deno.readFile(modelPath(name));
    const { inputs } = loadModelCase(name);
    const session = await InferenceSession.create(bytes);
    const engine = await throughput(() => session.run(inputs), 1, durationMs);
    session.release();
    rows.push({ model: name, transport: "engine", workers: 0, stages: 1, requestsPerSec: engine });
    const { model } = await prepareModel(bytes);
    for (const [label, transport] of Object.entries(TRANSPORTS) as [TransportName, Transport][]) {
      for (const workers of [1, 2]) {
        const rps = await measure(transport, model, inputs, workers, durationMs);
        rows.push({ model: name, transport: label, workers, stages: workers, requestsPerSec: rps });
      }
    }
  }
  return rows;
}

/** Latency of one extra hop: a one-node model run as 1 stage and as 2 stages. */
export async function hopOverheadMs(transport: "in-process" | "nats"): Promise<number> {
  const node = (i: string, o: string) => ({
    name: o,
    opType: "Relu",
    domain: "",
    inputs: [i],
    outputs: [o],
    attributes: new Map(),
  });
  const model: Model = {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "bench",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: "hop",
      nodes: [node("x", "a"), node("a", "y")],
      inputs: [{ name: "x", dtype: "float32", dims: [1, 256] }],
      outputs: [{ name: "y", dtype: "float32" }],
      initializers: new Map(),
      valueInfo: new Map(),
    },
  };
  const feeds = { x: new Tensor("float32", new Float32Array(256), [1, 256]) };
  const latency = async (stages: number) =>
    1000 / await measure(TRANSPORTS[transport], model, feeds, stages, 1500) *
    (2 * stages);
  return await latency(2) - await latency(1);
}

/** The rows as a table with speed-ups over 1 worker. */
export function formatClusterTable(rows: readonly ClusterRow[]): string {
  const lines = ["model           transport   workers stages  req/s   vs 1 worker"];
  for (const r of rows) {
    const one = rows.find((o) =>
      o.model === r.model && o.transport === r.transport && o.workers === 1
    );
    const speedup = one && r.workers > 1
      ? `${(r.requestsPerSec / one.requestsPerSec).toFixed(2)}x`
      : "";
    lines.push(
      `${r.model.padEnd(15)} ${r.transport.padEnd(11)} ${String(r.workers).padStart(7)} ${
        String(r.stages).padStart(6)
      } ${r.requestsPerSec.toFixed(2).padStart(7)}   ${speedup}`,
    );
  }
  return lines.join("\n");
}
