/**
 * The optimized model, written as ONNX, loads in ONNX Runtime and computes what the
 * original computes there and in meshrt, at every level and with the fused ops.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { encodeModel } from "../graph/encode_model.ts";
import type { HostTensor } from "../graph/ir.ts";
import { floats, int64s, modelOf } from "../graph/optimize/_testing.ts";
import { OPTIMIZATION_LEVELS, pipelinesFor } from "../graph/optimize/levels.ts";
import { runPipelines } from "../graph/optimize/optimize_model.ts";
import { fuseConvActivation, fuseGemmActivation } from "../graph/optimize/fuse_activation.ts";
import { Tensor } from "../graph/tensor.ts";
import { createConstantEvaluator } from "../worker/fold_constants.ts";
import { InferenceSession } from "../worker/session.ts";

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 1073741824 - 1;
  });
}

function weights(dims: number[], seed: number, offset = 0): HostTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return floats(dims, values(n, seed).map((v) => v + offset));
}

/**
 * Conv → BatchNormalization → Relu → Conv → Mul → Add → Clip → Identity → Reshape (its
 * shape computed from Shape) → MatMul with a transposed weight → Add → LeakyRelu, and a
 * twice-computed Neg: something for every pass.
 */
const MODEL = modelOf({
  inputs: { x: [1, 3, 8, 8] },
  outputs: ["y", "z"],
  nodes: [
    ["Conv", ["x", "w1", "b1"], ["c1"], { pads: [1, 1, 1, 1] }],
    ["BatchNormalization", ["c1", "s", "b", "m", "v"], ["n1"]],
    ["Relu", ["n1"], ["r1"]],
    ["Conv", ["r1", "w2"], ["c2"]],
    ["Mul", ["c2", "k"], ["m2"]],
    ["Add", ["m2", "k2"], ["a2"]],
    ["Clip", ["a2", "lo", "hi"], ["h2"]],
    ["Identity", ["h2"], ["i2"]],
    ["Shape", ["i2"], ["shape"]],
    ["Gather", ["shape", "zero"], ["batch"]],
    ["Unsqueeze", ["batch", "axes"], ["batch1"]],
    ["Concat", ["batch1", "minus1"], ["flat"], { axis: 0 }],
    ["Reshape", ["i2", "flat"], ["f"]],
    ["Transpose", ["wm"], ["wt"]],
    ["MatMul", ["f", "wt"], ["p"]],
    ["Add", ["p", "bm"], ["q"]],
    ["LeakyRelu", ["q"], ["y"], { alpha: 0.1 }],
    ["Neg", ["x"], ["z1"]],
    ["Neg", ["x"], ["z2"]],
    ["Add", ["z1", "z2"], ["z"]],
  ],
  initializers: {
    w1: weights([4, 3, 3, 3], 1),
    b1: weights([4], 2),
    s: weights([4], 3, 1.5),
    b: weights([4], 4),
    m: weights([4], 5),
    v: weights([4], 6, 1.5),
    w2: weights([4, 4, 1, 1], 7),
    k: weights([4, 1, 1], 8),
    k2: weights([4, 1, 1], 9),
    lo: floats([], [0]),
    hi: floats([], [2]),
    zero: int64s([], [0]),
    axes: int64s([1], [0]),
    minus1: int64s([1], [-1]),
    wm: weights([10, 256], 10),
    bm: weights([10], 11),
  },
}, 13);

const X = Float32Array.from(values(3 * 8 * 8, 12));

async function runOrt(model: string | Uint8Array): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model as Uint8Array);
  const out = await session.run({ x: new ort.Tensor("float32", X, [1, 3, 8, 8]) });
  const result = ["y", "z"].map((n) => out[n].data as Float32Array);
  await session.release();
  return result;
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  const scale = Math.max(...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= 1e-4 * scale + 1e-6,
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

const reference = await runOrt(encodeModel(MODEL));

Deno.test("the optimized model file loads in onnxruntime-node and matches at every level", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const level of OPTIMIZATION_LEVELS) {
      const path = `${dir}/${level}.onnx`;
      const session = await InferenceSession.create(encodeModel(MODEL), {
        graphOptimizationLevel: level,
        optimizedModelFilePath: path,
      });
      const out = await session.run({ x: new Tensor("float32", X, [1, 3, 8, 8]) });
      const fromFile = await runOrt(path);
      ["y", "z"].forEach((name, i) => {
        assertClose(out[name].data as Float32Array, reference[i], `meshrt ${level} ${name}`);
        assertClose(fromFile[i], reference[i], `onnxruntime ${level} ${name}`);
      });
      if (level !== "disabled") assert.ok(session.optimization.nodesAfter < 20);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("onnxruntime-node runs the FusedConv and FusedGemm nodes the optimizer emits", async () => {
  const fusion = { name: "fusion", rules: [fuseConvActivation, fuseGemmActivation] };
  const { model } = runPipelines(
    MODEL,
    [...pipelinesFor("extended"), fusion],
    await createConstantEvaluator(),
  );
  const ops = model.graph.nodes.map((n) => `${n.opType}:${n.attributes.get("activation")?.value}`);
  assert.deepEqual(ops.sort(), [
    "Add:undefined",
    "FusedConv:Clip",
    "FusedConv:Relu",
    "FusedGemm:LeakyRelu",
    "Neg:undefined",
    "Reshape:undefined",
  ]);
  const fused = await runOrt(encodeModel(model));
  fused.forEach((out, i) => assertClose(out, reference[i], `fused output ${i}`));
});
