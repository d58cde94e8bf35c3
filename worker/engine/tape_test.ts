import assert from "node:assert/strict";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { convChain, image, model, node, outputs } from "./_test_models.ts";
import { loadKernels } from "../../kernels/mod.ts";
import type { KernelArgs } from "../ops/kernel.ts";
import { Arena } from "./arena.ts";
import { TapeRecorder } from "./tape.ts";

Deno.test("a session run again on new data of the same shapes replays its tapes correctly", async () => {
  for (const opset of [13, 17]) {
    const session = await InferenceSession.create(convChain(opset));
    for (let i = 0; i < 3; i++) await outputs(session, image(1));
    const replayed = await outputs(session, image(2));
    const fresh = await InferenceSession.create(convChain(opset));
    assert.deepEqual(replayed, await outputs(fresh, image(2)));
    session.release();
    fresh.release();
  }
});

Deno.test("a node whose binding reads a runtime input's values is run, not replayed", async () => {
  const bytes = model({
    name: "cumsum",
    nodes: [node("CumSum", ["x", "axis"], ["y"])],
    inputs: [
      { name: "x", dtype: "float32", dims: [2, 2] },
      { name: "axis", dtype: "int64", dims: [] },
    ],
    outputs: [{ name: "y", dtype: "float32", dims: [2, 2] }],
    initializers: new Map(),
    valueInfo: new Map(),
  }, 14);
  const session = await InferenceSession.create(bytes);
  const x = new Tensor("float32", new Float32Array([1, 2, 3, 4]), [2, 2]);
  const run = async (axis: bigint) =>
    Array.from(
      (await session.run({ x, axis: new Tensor("int64", new BigInt64Array([axis]), []) })).y
        .data as Float32Array,
    );
  for (let i = 0; i < 2; i++) assert.deepEqual(await run(0n), [1, 2, 4, 6]);
  assert.deepEqual(await run(1n), [1, 3, 3, 7]);
  session.release();
});

Deno.test("a split call that runs on this thread alone is one step, and replays add none", async () => {
  const kernels = await loadKernels();
  try {
    const arena = new Arena(kernels.memory, kernels.heapBase);
    const recorder = new TapeRecorder(kernels, arena);
    const slot = arena.alloc(4);
    const args = (): KernelArgs => ({
      node: node("Relu", ["x"], ["y"]),
      params: undefined,
      inputs: [],
      outputs: [],
      kernels,
      scratch: (bytes) => arena.alloc(bytes),
      i32s: () => slot,
      derived: () => slot,
    });
    // gemm_scratch_f32 writes the scratch size of a 4×4×4 product into `slot`.
    const scratchSize = [4, 4, 4, slot];
    const split = recorder.record(
      (a) => a.kernels.parallel([{ name: "gemm_scratch_f32", args: scratchSize }]),
      args(),
    )!;
    const plain = recorder.record(
      (a) => a.kernels.call("gemm_scratch_f32", ...scratchSize),
      args(),
    )!;
    for (let i = 0; i < 3; i++) assert.ok(recorder.replay(split, [], []));
    assert.equal(split.steps.length, 1, "the split call is noted once");
    assert.equal(plain.steps.length, 1, "replays add nothing to the last tape recorded");
  } finally {
    kernels.close();
  }
});

Deno.test("Shape and Size replay their writes, and rewrite them for new dims", async () => {
  const bytes = model({
    name: "dims",
    nodes: [
      node("Relu", ["x"], ["r"]),
      node("Shape", ["r"], ["shape"]),
      node("Size", ["r"], ["size"]),
    ],
    inputs: [{ name: "x", dtype: "float32", dims: ["N", "M"] }],
    outputs: [{ name: "shape", dtype: "int64" }, { name: "size", dtype: "int64" }],
    initializers: new Map(),
    valueInfo: new Map(),
  }, 13);
  const session = await InferenceSession.create(bytes);
  try {
    for (const [n, m] of [[2, 3], [2, 3], [2, 3], [5, 70000], [5, 70000], [2, 3]]) {
      const x = new Tensor("float32", new Float32Array(n * m), [n, m]);
      const got = await session.run({ x });
      assert.deepEqual(Array.from(got.shape.data as BigInt64Array), [BigInt(n), BigInt(m)]);
      assert.deepEqual(Array.from(got.size.data as BigInt64Array), [BigInt(n * m)]);
    }
  } finally {
    session.release();
  }
});
