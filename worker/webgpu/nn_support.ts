/**
 * The static checks the WebGPU nn kernels share in `supports`: one float type throughout
 * and a known number of spatial axes.
 * @module
 */
import type { GpuSupportQuery } from "./kernel.ts";
import { wgslFloat } from "./wgsl.ts";

/**
 * Whether every present input and output has input 0's type, a float the device computes
 * in (float32, or float16 with `f16`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "n", opType: "MatMul", domain: "", inputs: [], outputs: [],
 *   attributes: new Map() };
 * const t = { dtype: "float16" as const };
 * assert.ok(sameFloats({ node, params: {}, inputs: [t, t], outputs: [t], f16: true }));
 * assert.ok(!sameFloats({ node, params: {}, inputs: [t, t], outputs: [t], f16: false }));
 * ```
 */
export function sameFloats(q: GpuSupportQuery<unknown>): boolean {
  const dtype = q.inputs[0]?.dtype;
  return wgslFloat(dtype, q.f16) !== undefined &&
    [...q.inputs, ...q.outputs].every((t) => t === undefined || t.dtype === dtype);
}

/**
 * Whether the first of `inputs` with a known rank has 1 to 3 spatial axes after N and C
 * (the window kernels walk three).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "c", opType: "Conv", domain: "", inputs: [], outputs: [],
 *   attributes: new Map() };
 * const x = { dtype: "float32" as const, dims: ["n", 3, 8, 8] };
 * assert.ok(windowRank({ node, params: {}, inputs: [undefined, x], outputs: [], f16: false }, [0, 1]));
 * ```
 */
export function windowRank(q: GpuSupportQuery<unknown>, inputs: readonly number[]): boolean {
  const rank = inputs.map((i) => q.inputs[i]?.dims?.length).find((r) => r !== undefined);
  return rank !== undefined && rank >= 3 && rank <= 5;
}
