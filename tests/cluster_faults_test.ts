import assert from "node:assert/strict";
import { MemoryHub } from "../bus/memory_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import type { Model, Node } from "../graph/ir.ts";
import { Tensor } from "../graph/tensor.ts";
import { Cluster } from "../coordinator/cluster/cluster.ts";
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
