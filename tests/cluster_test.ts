import assert from "node:assert/strict";
import { connectNats } from "../bus/nats_bus.ts";
import { MemoryHub } from "../bus/memory_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import type { Bus } from "../bus/bus.ts";
import { prepareModel } from "../worker/prepare_model.ts";
import { Tensor } from "../graph/tensor.ts";
import { Cluster } from "../coordinator/cluster/cluster.ts";
import { startLocalWorkers } from "../coordinator/cluster/local_workers.ts";
import { InferenceSession } from "../worker/session.ts";
import { startNatsServer } from "./nats_server.ts";
import { modelPath } from "./model_cases.ts";

const DET = modelPath("ppocr_v4_det");
const SPEEDS = { "wasm.compute": 10, "wasm.memory": 1 };

function detInput(seed: number): Tensor {
  const data = new Float32Array(3 * 320 * 320);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001 + seed);
  return new Tensor("float32", data, [1, 3, 320, 320]);
}

async function reference(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(DET);
  try {
    return await session.run(feeds);
  } finally {
    session.release();
  }
}

/** Bit-exact equality, reported as a count (a full diff of 400k floats would take minutes). */
function assertSame(got: Record<string, Tensor>, want: Record<string, Tensor>): void {
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    assert.deepEqual(g.dims, w.dims);
    const a = new Uint8Array(g.data.buffer), b = new Uint8Array(w.data.buffer);
    const differing = a.filter((v, i) => v !== b[i]).length;
    assert.equal(differing, 0, `output "${name}" differs from the engine's in ${differing} bytes`);
  }
}

function spawnWorker(url: string, id: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "worker/main.ts", "--nats", url, "--id", id, "--cluster", "t"],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

/** Loads det on 3 stages, checks exact outputs, then kills a worker amid 12 requests. */
async function detThroughCluster(bus: Bus, kill: (id: string) => void): Promise<void> {
  const cluster = new Cluster(bus, new Subjects("t"), { heartbeatTtlMs: 3000, stallMs: 5000 });
  try {
    await cluster.membership.waitFor(3);
    const { model } = await prepareModel(await Deno.readFile(DET));
    const det = await cluster.load("det", "1", model, { stages: 3 });
    assert.equal(det.stages.length, 3);
    assert.equal(
      new Set(det.stages.map((s) => s.workers[0])).size,
      3,
      "stages on distinct workers",
    );

    const x = detInput(0);
    assertSame(await det.run({ x }), await reference({ x }));

    const inputs = Array.from({ length: 12 }, (_, i) => detInput(i + 1));
    const runs = inputs.map((x) => det.run({ x }, 120_000));
    await runs[0];
    kill(det.stages[1].workers[0]);
    const results = await Promise.all(runs);
    assertSame(results[5], await reference({ x: inputs[5] }));
    assert.equal(results.length, 12);
  } finally {
    await cluster.close();
  }
}

Deno.test({
  name: "PP-OCRv4 det runs in 3 stages on 3 worker processes over NATS and survives a SIGKILL",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startNatsServer();
    const workers = new Map(["w0", "w1", "w2"].map((id) => [id, spawnWorker(server.url, id)]));
    const bus = await connectNats({ servers: server.url });
    try {
      await detThroughCluster(bus, (id) => workers.get(id)!.kill("SIGKILL"));
    } finally {
      for (const w of workers.values()) {
        try {
          w.kill("SIGKILL");
        } catch {
          // Already killed by the test.
        }
        await w.status;
      }
      await bus.close();
    }
  },
});

Deno.test({
  name: "PP-OCRv4 det runs in 3 stages on 3 local Web Workers over the in-process bus",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const hub = new MemoryHub();
    const local = await startLocalWorkers(hub, "t", 3, SPEEDS);
    try {
      await detThroughCluster(hub.connect(), (id) => local.kill(id));
    } finally {
      local.close();
    }
  },
});
