import assert from "node:assert/strict";
import { MemoryHub } from "../bus/memory_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import type { Model, Node } from "../graph/ir.ts";
import { Tensor } from "../graph/tensor.ts";
import { Cluster, type DeployedModel } from "../coordinator/cluster/cluster.ts";
import { StageFailedError } from "../coordinator/cluster/errors.ts";
import { startLocalWorkers } from "../coordinator/cluster/local_workers.ts";

const SPEEDS = { "wasm.compute": 10, "wasm.memory": 1 };

function node(opType: string, inputs: string[], output: string): Node {
  return { name: output, opType, domain: "", inputs, outputs: [output], attributes: new Map() };
}

/** y = Relu(Reshape(Relu(x) · W, shape)): the reshape fails when `shape` does not fit. */
function model(): Model {
  const w = new Float32Array(16).map((_, i) => (i % 5 === 0 ? 1 : 0.5));
  return {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "test",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: "faults",
      nodes: [
        node("Relu", ["x"], "a"),
        node("MatMul", ["a", "w"], "b"),
        node("Reshape", ["b", "shape"], "c"),
        node("Relu", ["c"], "y"),
      ],
      inputs: [
        { name: "x", dtype: "float32", dims: [2, 4] },
        { name: "shape", dtype: "int64", dims: [2] },
      ],
      outputs: [{ name: "y", dtype: "float32" }],
      initializers: new Map([["w", { dtype: "float32", dims: [4, 4], data: w }]]),
      valueInfo: new Map(),
    },
  };
}

function feeds(shape: bigint[]) {
  return {
    x: new Tensor("float32", [1, -2, 3, 4, 5, 6, -7, 8], [2, 4]),
    shape: new Tensor("int64", shape, [2]),
  };
}

Deno.test({
  name: "a stage that throws fails only its own request, with the stage's error",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const hub = new MemoryHub();
    const local = await startLocalWorkers(hub, "f", 2, SPEEDS);
    const cluster = new Cluster(hub.connect(), new Subjects("f"));
    try {
      await cluster.membership.waitFor(2);
      const m = await cluster.load("faults", "1", model(), { stages: 2 });
      const [bad, good] = await Promise.allSettled([
        m.run(feeds([3n, 3n])),
        m.run(feeds([4n, 2n])),
      ]);
      assert.equal(bad.status, "rejected");
      assert.ok((bad as PromiseRejectedResult).reason instanceof StageFailedError);
      assert.match((bad as PromiseRejectedResult).reason.message, /Reshape|shape/i);
      assert.equal(good.status, "fulfilled");
      assert.deepEqual((good as PromiseFulfilledResult<Record<string, Tensor>>).value.y.dims, [
        4,
        2,
      ]);
    } finally {
      await cluster.close();
      local.close();
    }
  },
});

Deno.test({
  name: "a worker that joins is used for new requests after a re-plan",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const hub = new MemoryHub();
    const first = await startLocalWorkers(hub, "j", 1, SPEEDS);
    const cluster = new Cluster(hub.connect(), new Subjects("j"));
    try {
      await cluster.membership.waitFor(1);
      const m = await cluster.load("faults", "1", model());
      const before = await m.run(feeds([4n, 2n]));
      assert.deepEqual(m.stages.flatMap((s) => s.workers), first.ids);
      const second = await startLocalWorkers(hub, "j", 1, SPEEDS);
      try {
        await cluster.membership.waitFor(2);
        await m.replanning;
        const used = new Set(m.stages.flatMap((s) => s.workers));
        assert.ok(used.has(second.ids[0]), "the new worker serves a stage or a replica");
        const after = await m.run(feeds([4n, 2n]));
        assert.deepEqual(after.y.data, before.y.data);
      } finally {
        await cluster.close();
        second.close();
      }
    } finally {
      await cluster.close();
      first.close();
    }
  },
});

/** y of {@linkcode model} for `x` reshaped to [4, 2], computed here as the test's oracle. */
function expectedY(x: number[]): number[] {
  const w = Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0.5));
  const a = x.map((v) => Math.max(v, 0));
  const y: number[] = [];
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[r * 4 + k] * w[k * 4 + c];
      y.push(Math.max(sum, 0));
    }
  }
  return y;
}

/** Polls `check` until it passes, for state that heartbeats carry (a few ms behind). */
async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Checks that each of `ids` holds exactly its stages of `m`'s current placement. */
function assertHoldTheirStages(cluster: Cluster, m: DeployedModel, ids: string[]): void {
  for (const id of ids) {
    const held = m.stages.filter((s) => s.workers.includes(id))
      .map((s) => cluster.subjects.stage(m.name, m.version, m.generation, s.index));
    assert.deepEqual(cluster.membership.get(id)!.stageKeys.toSorted(), held.toSorted());
  }
}

Deno.test({
  name: "a placement that fails to load leaves no stage behind, and the next runs its own cut",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const hub = new MemoryHub();
    const local = await startLocalWorkers(hub, "g", 3, SPEEDS);
    // Heartbeats would not lose the killed worker within the test: it is marked lost by hand.
    const cluster = new Cluster(hub.connect(), new Subjects("g"), { heartbeatTtlMs: 600_000 });
    try {
      await cluster.membership.waitFor(3);
      const m = await cluster.load("faults", "1", model(), { stages: 3 });
      assert.equal(m.stages.length, 3);
      const dead = m.stages[2].workers[0];
      local.kill(dead);
      const installed = m.generation;
      await m.planner.replan();
      assert.equal(m.generation, installed, "the attempt that could not load is not installed");
      const live = local.ids.filter((id) => id !== dead);
      await eventually(() => assertHoldTheirStages(cluster, m, live));

      cluster.membership.markLost(dead);
      await m.replanning;
      assert.equal(m.stages.length, 2);
      assert.notEqual(m.generation, installed);
      await eventually(() => assertHoldTheirStages(cluster, m, live));
      const x = [1, -2, 3, 4, 5, 6, -7, 8];
      const { y } = await m.run(feeds([4n, 2n]), 10_000);
      assert.deepEqual(y.dims, [4, 2]);
      assert.deepEqual([...y.data as Float32Array], expectedY(x));
    } finally {
      await cluster.close();
      local.close();
    }
  },
});
