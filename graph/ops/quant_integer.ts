/**
 * Integer products: MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv, on
 * MatMul's and Conv's shape rules, and the convolution geometry their kernels take.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { TensorType } from "../ir.ts";
import { productDims } from "./_dims.ts";
import { expectType, required } from "./_common.ts";
import { INT8 } from "./_quant.ts";
import { Conv, convDims, type ConvParams, convWindows } from "./nn_conv.ts";
import { matmulDims } from "./nn_gemm.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";

function matmulType(a: InputInfo, b: InputInfo, dtype: DType, ctx: RuleContext<unknown>) {
  if (!a.dims || !b.dims) return { dtype };
  const dims = matmulDims(a.dims, b.dims);
  if (!dims) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `shapes [${a.dims}] and [${b.dims}] cannot be multiplied`,
    );
  }
  return { dtype, dims };
}

function matmulCost(inputs: readonly TensorType[], outputs: readonly TensorType[]) {
  const k = inputs[0].dims?.at(-1), out = outputs[0].dims ? productDims(outputs[0].dims) : 0;
  return { flops: typeof k === "number" && typeof out === "number" ? 2 * k * out : 0 };
}

/**
 * The two 8-bit operands of MatMulInteger or ConvInteger (inputs 0 and 1), each optional
 * zero point (inputs 2 and 3) typed as its operand.
 */
function integerOperands(
  inputs: readonly (InputInfo | undefined)[],
  names: readonly [string, string],
  ctx: RuleContext<unknown>,
): [InputInfo, InputInfo] {
  const operands = [required(inputs, 0, ctx), required(inputs, 1, ctx)] as const;
  operands.forEach((t, i) => {
    expectType(t, INT8, names[i], ctx);
    const zeroPoint = inputs[i + 2];
    if (zeroPoint) expectType(zeroPoint, [t.dtype], `${names[i].toLowerCase()}_zero_point`, ctx);
  });
  return [...operands];
}

const MatMulInteger = defineOp({
  opType: "MatMulInteger",
  prepare: () => null,
  infer: (inputs, ctx): TensorType[] => {
    const [a, b] = integerOperands(inputs, ["A", "B"], ctx);
    return [matmulType(a, b, "int32", ctx)];
  },
  cost: matmulCost,
});

/** Checks QLinear inputs: scales float, each zero point typed as its tensor. */
function checkQLinear(inputs: readonly (InputInfo | undefined)[], ctx: RuleContext<unknown>) {
  const x = required(inputs, 0, ctx), w = required(inputs, 3, ctx);
  expectType(x, INT8, "input 0", ctx);
  expectType(w, INT8, "input 3", ctx);
  for (const i of [1, 4, 6]) {
    expectType(required(inputs, i, ctx), ["float32", "float16"], `input ${i}`, ctx);
  }
  for (const [i, of] of [[2, x], [5, w]] as const) {
    if (inputs[i]) expectType(inputs[i]!, [of.dtype], `input ${i}`, ctx);
  }
  if (inputs[7]) expectType(inputs[7], INT8, "y_zero_point", ctx);
  return { x, w, dtype: inputs[7]?.dtype ?? x.dtype };
}

const QLinearMatMul = defineOp({
  opType: "QLinearMatMul",
  prepare: () => null,
  infer: (inputs, ctx): TensorType[] => {
    const { x, w, dtype } = checkQLinear(inputs, ctx);
    return [matmulType(x, w, dtype, ctx)];
  },
  cost: matmulCost,
});

/** The integer convolutions take Conv's attributes. */
export type { ConvParams };

/** Per spatial axis: sizes, steps and the output a convolution gives. */
export interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Padding at the start of each axis. */
  pads: number[];
  output: number[];
}

/**
 * The spatial geometry of a convolution of `input` (spatial dims) by a kernel of `kernel`
 * (the weights' spatial dims), as the integer kernels take it: Conv's window rule in
 * per-attribute lists.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const p = { window: { autoPad: "SAME_UPPER" as const, strides: [2] }, group: 1 };
 * const g = convGeometry(p, [5], [3]);
 * assert.deepEqual([g.pads, g.output], [[1], [3]]);
 * ```
 */
export function convGeometry(
  p: ConvParams,
  input: readonly number[],
  kernel: readonly number[],
): ConvGeometry {
  const axes = convWindows(p, [0, 0, ...input], [0, 0, ...kernel]);
  return {
    kernel: axes.map((a) => a.kernel),
    strides: axes.map((a) => a.stride),
    dilations: axes.map((a) => a.dilation),
    pads: axes.map((a) => a.padBegin),
    output: axes.map((a) => a.output),
  };
}

/** Output type of a convolution of x by w; an empty output is an error for these ops. */
function convType(x: InputInfo, w: InputInfo, dtype: DType, ctx: RuleContext<ConvParams>) {
  if (!x.dims || !w.dims) return { dtype };
  const dims = convDims(x.dims, w.dims, ctx);
  if (dims.slice(2).includes(0)) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `output spatial shape [${dims.slice(2)}] is empty`,
    );
  }
  return { dtype, dims };
}

/** Two flops per weight of a group's filter for every output element. */
function convCost(w: TensorType, y: TensorType) {
  const perOutput = productDims((w.dims ?? [0]).slice(1)), out = productDims(y.dims ?? [0]);
  const ok = typeof perOutput === "number" && typeof out === "number";
  return { flops: ok ? 2 * perOutput * out : 0 };
}

const ConvInteger = defineOp({
  opType: "ConvInteger",
  prepare: Conv.prepare,
  infer: (inputs, ctx): TensorType[] => {
    const [x, w] = integerOperands(inputs, ["x", "w"], ctx);
    return [convType(x, w, "int32", ctx)];
  },
  cost: (inputs, outputs) => convCost(inputs[1], outputs[0]),
});

const QLinearConv = defineOp({
  opType: "QLinearConv",
  prepare: Conv.prepare,
  infer: (inputs, ctx): TensorType[] => {
    const { x, w, dtype } = checkQLinear(inputs, ctx);
    if (inputs[8]) expectType(inputs[8], ["int32"], "B", ctx);
    return [convType(x, w, dtype, ctx)];
  },
  cost: (inputs, outputs) => convCost(inputs[3], outputs[0]),
});

/** Schemas of the integer products. */
export const QUANT_INTEGER_OPS: readonly OpSchema<unknown>[] = [
  MatMulInteger,
  QLinearMatMul,
  ConvInteger,
  QLinearConv,
];
