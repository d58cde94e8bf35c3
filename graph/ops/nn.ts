/**
 * Neural-network ops: MatMul, Gemm, convolutions, pooling, normalizations.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Dim } from "../ir.ts";
import { broadcastDims, productDims } from "./_dims.ts";
import { required } from "./_common.ts";
import { defineOp, noParams, type OpSchema } from "./schema.ts";

const MatMul = defineOp({
  opType: "MatMul",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const a = required(inputs, 0, ctx), b = required(inputs, 1, ctx);
    if (!a.dims || !b.dims) return [{ dtype: a.dtype }];
    const fail = () => {
      throw new ShapeError(
        ctx.node.name,
        "MatMul",
        `shapes [${a.dims}] and [${b.dims}] cannot be multiplied`,
      );
    };
    if (a.dims.length === 0 || b.dims.length === 0) fail();
    const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
    const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
    const k1 = ad[ad.length - 1], k2 = bd[bd.length - 2];
    if (typeof k1 === "number" && typeof k2 === "number" && k1 !== k2) fail();
    const batch = broadcastDims([ad.slice(0, -2), bd.slice(0, -2)]) ?? fail()!;
    const dims: Dim[] = [...batch];
    if (a.dims.length > 1) dims.push(ad[ad.length - 2]);
    if (b.dims.length > 1) dims.push(bd[bd.length - 1]);
    return [{ dtype: a.dtype, dims }];
  },
  cost: (inputs, outputs) => {
    const k = inputs[0].dims?.at(-1);
    const out = outputs[0].dims ? productDims(outputs[0].dims) : 0;
    return { flops: typeof k === "number" && typeof out === "number" ? 2 * k * out : 0 };
  },
});

/** Schemas of the nn family. */
export const NN_OPS: readonly OpSchema<unknown>[] = [MatMul];
