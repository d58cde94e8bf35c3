/**
 * MatMul (numpy semantics: batched, broadcasting batch dims, 1-D operands promoted) and
 * Gemm (optional transposes, alpha, beta, a C that broadcasts to the output).
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Dim } from "../ir.ts";
import { attrFloat, attrInt } from "./_attrs.ts";
import { required } from "./_common.ts";
import { broadcastDims, productDims } from "./_dims.ts";
import { expectDType, GEMM_TYPES } from "./nn_dtypes.ts";
import { defineOp, noParams, type RuleContext } from "./schema.ts";
import type { Activation } from "./nn_fused.ts";

/** 2 × m × k × n with any factor symbolic giving 0 (unknown). */
function gemmFlops(...factors: (Dim | undefined)[]): number {
  const p = factors.reduce<number>((acc, f) => acc * (typeof f === "number" ? f : NaN), 2);
  return Number.isFinite(p) ? p : 0;
}

/** MatMul. */
export const MatMul = defineOp({
  opType: "MatMul",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const a = required(inputs, 0, ctx), b = required(inputs, 1, ctx);
    expectDType(a, 0, GEMM_TYPES, ctx);
    if (b.dtype !== a.dtype) fail(ctx, `inputs have types "${a.dtype}" and "${b.dtype}"`);
    if (!a.dims || !b.dims) return [{ dtype: a.dtype }];
    const dims = matmulDims(a.dims, b.dims);
    if (!dims) fail(ctx, `shapes [${a.dims}] and [${b.dims}] cannot be multiplied`);
    return [{ dtype: a.dtype, dims }];
  },
  cost: (inputs, outputs) => {
    const out = outputs[0].dims ? productDims(outputs[0].dims) : undefined;
    return { flops: gemmFlops(inputs[0].dims?.at(-1), out) };
  },
});

/**
 * The output dims of numpy matmul, or undefined when the shapes do not multiply.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(matmulDims([2, 1, 3, 4], [5, 4, 6]), [2, 5, 3, 6]);
 * assert.deepEqual(matmulDims([4], [4, 6]), [6]);
 * ```
 */
export function matmulDims(a: readonly Dim[], b: readonly Dim[]): Dim[] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const ad = a.length === 1 ? [1, a[0]] : a;
  const bd = b.length === 1 ? [b[0], 1] : b;
  const k1 = ad[ad.length - 1], k2 = bd[bd.length - 2];
  if (typeof k1 === "number" && typeof k2 === "number" && k1 !== k2) return undefined;
  const batch = broadcastDims([ad.slice(0, -2), bd.slice(0, -2)]);
  if (!batch) return undefined;
  if (a.length > 1) batch.push(ad[ad.length - 2]);
  if (b.length > 1) batch.push(bd[bd.length - 1]);
  return batch;
}

/** Gemm's attributes. */
export interface GemmParams {
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Set by FusedGemm: the activation its epilogue applies. */
  activation?: Activation;
}

/** Gemm. */
export const Gemm = defineOp({
  opType: "Gemm",
  prepare: (node): GemmParams => ({
    transA: attrInt(node, "transA", 0) !== 0,
    transB: attrInt(node, "transB", 0) !== 0,
    alpha: attrFloat(node, "alpha", 1),
    beta: attrFloat(node, "beta", 1),
  }),
  infer: (inputs, ctx) => {
    const a = required(inputs, 0, ctx), b = required(inputs, 1, ctx), c = inputs[2];
    expectDType(a, 0, GEMM_TYPES, ctx);
    for (const [i, t] of [[1, b], [2, c]] as const) {
      if (t && t.dtype !== a.dtype) fail(ctx, `input ${i} has type "${t.dtype}", not "${a.dtype}"`);
    }
    if (!a.dims || !b.dims) return [{ dtype: a.dtype }];
    if (a.dims.length !== 2 || b.dims.length !== 2) {
      fail(ctx, `inputs have ranks ${a.dims.length} and ${b.dims.length}, expected 2`);
    }
    const [m, k1] = ctx.params.transA ? [a.dims[1], a.dims[0]] : a.dims;
    const [k2, n] = ctx.params.transB ? [b.dims[1], b.dims[0]] : b.dims;
    if (typeof k1 === "number" && typeof k2 === "number" && k1 !== k2) {
      fail(ctx, `inner dims ${k1} and ${k2} differ`);
    }
    if (c?.dims && !broadcastsTo(c.dims, [m, n])) {
      fail(ctx, `C of shape [${c.dims}] does not broadcast to [${m},${n}]`);
    }
    return [{ dtype: a.dtype, dims: [m, n] }];
  },
  cost: (inputs, outputs, ctx) => {
    const a = inputs[0].dims;
    const k = ctx.params.transA ? a?.[0] : a?.[1];
    return { flops: gemmFlops(outputs[0].dims?.[0], k, outputs[0].dims?.[1]) };
  },
});

/** Whether `from` broadcasts unidirectionally to `to` (symbols assumed compatible). */
function broadcastsTo(from: readonly Dim[], to: readonly Dim[]): boolean {
  if (from.length > to.length) return false;
  return from.every((d, i) => {
    const t = to[to.length - from.length + i];
    return d === 1 || d === t || typeof d !== "number" || typeof t !== "number";
  });
}

function fail(ctx: RuleContext<unknown>, detail: string): never {
  throw new ShapeError(ctx.node.name, ctx.node.opType, detail);
}
