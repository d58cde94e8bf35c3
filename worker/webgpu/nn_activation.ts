/**
 * The activation epilogues of the WebGPU GEMM and conv kernels, numbered as
 * graph/ops/nn_fused.ts numbers them: the code picks the WGSL, the two parameters travel
 * in the uniform block as `p.act0` and `p.act1`.
 * @module
 */
import { type Activation, NO_ACTIVATION } from "../../graph/ops/nn_fused.ts";
import type { Params } from "./device.ts";

/** WGSL of each activation over `v` (f32), by code. */
const EXPRESSIONS: readonly string[] = [
  "v",
  "max(v, 0.0)",
  "min(max(v, p.act0), p.act1)",
  "1.0 / (1.0 + exp(-v))",
  "clamp(p.act0 * v + p.act1, 0.0, 1.0)",
  "select(v * p.act0, v, v >= 0.0)",
  "v * clamp(v / 6.0 + 0.5, 0.0, 1.0)",
  // tanh through exp(-2|v|), which cannot overflow where the builtin may.
  "sign(v) * (1.0 - exp(-2.0 * abs(v))) / (1.0 + exp(-2.0 * abs(v)))",
];

/**
 * Whether the kernels know activation `a` (every code nn_fused.ts emits).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.ok(knownActivation([1, 0, 0]));
 * assert.ok(!knownActivation([99, 0, 0]));
 * ```
 */
export function knownActivation(a: Activation | undefined): boolean {
  return EXPRESSIONS[(a ?? NO_ACTIVATION)[0]] !== undefined;
}

/**
 * WGSL `fn act(v: f32) -> f32` applying activation `code`; the shader's uniform struct
 * `P` (bound as `p`) must end with `act0: f32, act1: f32`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.match(activationWgsl(1), /max\(v, 0\.0\)/);
 * ```
 */
export function activationWgsl(code: number): string {
  return `fn act(v: f32) -> f32 { return ${EXPRESSIONS[code]}; }`;
}

/**
 * Appends the activation's two parameters, as `act0` and `act1` (zeros for none).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Params } from "./device.ts";
 * assert.equal(pushActivation(new Params(), [2, -1, 1]).bytes().byteLength, 16);
 * ```
 */
export function pushActivation(params: Params, a: Activation | undefined): Params {
  const [, p0, p1] = a ?? NO_ACTIVATION;
  return params.f32(p0).f32(p1);
}
