import assert from "node:assert/strict";
import type { Graph, HostTensor } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { model, node } from "./_test_models.ts";

const K: HostTensor = { dtype: "int64", dims: [1], data: new BigInt64Array([2n]) };

/** Relu (WebGPU) → TopK (WASM only) → Relu (WebGPU): two crossings each way. */
const MIXED = model({
  name: "mixed",
  nodes: [
    node("Relu", ["x"], ["r"]),
    node("TopK", ["r", "k"], ["values", "indices"]),
    node("Relu", ["values"], ["y"]),
  ],
  inputs: [{ name: "x", dtype: "float32", dims: [2, 3] }],
  outputs: [{ name: "y", dtype: "float32" }, { name: "indices", dtype: "int64" }],
  initializers: new Map([["k", K]]),
  valueInfo: new Map(),
}, 17);

const X = new Tensor("float32", [3, -1, 2, -4, 6, 5], [2, 3]);

async function runWith(bytes: Uint8Array, providers: string[], feeds: Record<string, Tensor>) {
  const session = await InferenceSession.create(bytes, {
    executionProviders: providers,
    graphOptimizationLevel: "disabled",
  });
  try {
    return { session, outputs: await session.run(feeds) };
  } finally {
    session.release();
  }
}

Deno.test("webgpu first: nodes WebGPU supports run there, the rest fall back to WASM", async () => {
  const { session, outputs } = await runWith(MIXED, ["webgpu", "wasm"], { x: X });
  assert.deepEqual(session.unavailableProviders, []);
  assert.deepEqual(
    Object.fromEntries(session.placement),
    { r: "webgpu", values: "wasm", y: "webgpu" },
  );
  assert.deepEqual(Array.from(outputs.y.data as Float32Array), [3, 2, 6, 5]);
  assert.deepEqual(Array.from(outputs.indices.data as BigInt64Array), [0n, 2n, 1n, 2n]);
});

Deno.test("bytes cross only at backend boundaries, and the session counts them", async () => {
  const session = await InferenceSession.create(MIXED, { executionProviders: ["webgpu"] });
  try {
    await session.run({ x: X });
    // x up (24), r down (24), values up (16), y down (16); indices stay in host memory.
    assert.deepEqual(session.transfers, { toDevice: 40, toHost: 40 });
  } finally {
    session.release();
  }
});

Deno.test("wasm first: WASM claims every node and nothing crosses", async () => {
  const { session, outputs } = await runWith(MIXED, ["wasm", "webgpu"], { x: X });
  assert.ok([...session.placement.values()].every((b) => b === "wasm"));
  assert.deepEqual(Array.from(outputs.y.data as Float32Array), [3, 2, 6, 5]);
});

Deno.test("an If branch on WASM reads a value WebGPU made", async () => {
  const branch = (opType: string): Graph => ({
    name: opType,
    nodes: [node(opType, ["r"], ["out"])],
    inputs: [],
    outputs: [{ name: "out", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  });
  const bytes = model({
    name: "branchy",
    nodes: [
      node("Relu", ["x"], ["r"]),
      node("If", ["cond"], ["y"], {
        then_branch: { kind: "graph", value: branch("Neg") },
        else_branch: { kind: "graph", value: branch("Abs") },
      }),
    ],
    inputs: [
      { name: "x", dtype: "float32", dims: [2, 3] },
      { name: "cond", dtype: "bool", dims: [] },
    ],
    outputs: [{ name: "y", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  }, 17);
  const cond = new Tensor("bool", new Uint8Array([1]), []);
  const { session, outputs } = await runWith(bytes, ["webgpu"], { x: X, cond });
  assert.equal(session.placement.get("r"), "webgpu");
  assert.deepEqual(Array.from(outputs.y.data as Float32Array), [-3, -0, -2, -0, -6, -5]);
});
