import assert from "node:assert/strict";
import type { DType } from "../../graph/dtype.ts";
import { loadKernels } from "../../kernels/mod.ts";
import { Arena } from "../engine/arena.ts";
import { broadcastPlan, callUnary } from "./_elementwise_calls.ts";
import { UNARY_CODES } from "./_elementwise_unary.ts";

/** Attributes to test each op with (the ONNX defaults). */
const ATTRIBUTES: Partial<Record<keyof typeof UNARY_CODES, [number, number]>> = {
  LeakyRelu: [0.01, 0],
  Elu: [1, 0],
  Selu: [1.6732632423543772, 1.0507009873554805],
  Celu: [1, 0],
  HardSigmoid: [0.2, 0.5],
  ThresholdedRelu: [1, 0],
  DivScalar: [3, 0],
};

/** Values across the ranges that matter: tiny, moderate, large, special. */
function samples(): number[] {
  const xs = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 88.7, -87.5, -104, 1e-40, 3.9, 1e30];
  for (let i = 0; i < 4000; i++) {
    xs.push((i / 4000 - 0.5) * 24, Math.exp((i % 60) - 30) * (i % 2 ? 1 : -1));
  }
  return xs;
}

Deno.test("callUnary() float32 kernels agree with their float64 reference within 4e-7", async () => {
  const kernels = await loadKernels();
  const arena = new Arena(kernels.memory, kernels.heapBase);
  const xs = samples(), n = xs.length;
  const put = (dtype: DType, bytes: number) => ({
    dtype,
    ptr: arena.alloc(n * bytes),
    size: n,
    dims: [n],
  });
  const [x32, y32, x64, y64] = [
    put("float32", 4),
    put("float32", 4),
    put("float64", 8),
    put("float64", 8),
  ];
  new Float32Array(kernels.memory.buffer, x32.ptr, n).set(xs);
  new Float64Array(kernels.memory.buffer, x64.ptr, n).set(
    new Float32Array(kernels.memory.buffer, x32.ptr, n),
  );
  const bad: string[] = [];
  for (const [op, code] of Object.entries(UNARY_CODES)) {
    const [alpha, beta] = ATTRIBUTES[op as keyof typeof UNARY_CODES] ?? [0, 0];
    callUnary(kernels, code, "float32", x32, y32, alpha, beta);
    callUnary(kernels, code, "float64", x64, y64, alpha, beta);
    const fast = new Float32Array(kernels.memory.buffer, y32.ptr, n);
    const ref = new Float64Array(kernels.memory.buffer, y64.ptr, n);
    const i = ref.findIndex((r, i) =>
      !(Object.is(Math.fround(r), fast[i]) || Math.abs(fast[i] - r) <= 4e-7 * (1 + Math.abs(r)))
    );
    if (i >= 0) bad.push(`${op}(${x32.dtype} ${xs[i]}) is ${fast[i]}, expected ${ref[i]}`);
  }
  assert.deepEqual(bad, []);
});

Deno.test("broadcastPlan() keeps a scalar output as one element", () => {
  assert.deepEqual(broadcastPlan([], [[], [1]]), { rank: 1, plan: [1, 0, 0] });
});
