/**
 * Integer products: MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv, with the
 * numpy matmul shape rule and the convolution geometry their kernels share.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Dim, Node, TensorType } from "../ir.ts";
import { attrInt, attrInts, attrString } from "./_attrs.ts";
import { broadcastDims, isConcrete, productDims, unknownDim } from "./_dims.ts";
import { required } from "./_common.ts";
import { expectType, INT8 } from "./_quant.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";

/**
 * Output dims of numpy's matmul of `a` by `b`; undefined when they cannot be multiplied.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(matmulDims([2, 1, 4, 3], [5, 3, 6]), [2, 5, 4, 6]);
 * ```
 */
export function matmulDims(a: readonly Dim[], b: readonly Dim[]): Dim[] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const ad = a.length === 1 ? [1, a[0]] : a, bd = b.length === 1 ? [b[0], 1] : b;
  const k1 = ad[ad.length - 1], k2 = bd[bd.length - 2];
  if (typeof k1 === "number" && typeof k2 === "number" && k1 !== k2) return undefined;
  const batch = broadcastDims([ad.slice(0, -2), bd.slice(0, -2)]);
  if (!batch) return undefined;
  if (a.length > 1) batch.push(ad[ad.length - 2]);
  if (b.length > 1) batch.push(bd[bd.length - 1]);
  return batch;
}

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

const MatMulInteger = defineOp({
  opType: "MatMulInteger",
  prepare: () => null,
  infer: (inputs, ctx): TensorType[] => {
    const a = required(inputs, 0, ctx), b = required(inputs, 1, ctx);
    expectType(a, INT8, "A", ctx);
    expectType(b, INT8, "B", ctx);
    if (inputs[2]) expectType(inputs[2], [a.dtype], "a_zero_point", ctx);
    if (inputs[3]) expectType(inputs[3], [b.dtype], "b_zero_point", ctx);
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

/** Parsed convolution attributes (ONNX's Conv set). */
export interface ConvParams {
  autoPad: string;
  group: number;
  kernelShape?: number[];
  strides?: number[];
  pads?: number[];
  dilations?: number[];
}

function convParams(node: Node): ConvParams {
  return {
    autoPad: attrString(node, "auto_pad", "NOTSET"),
    group: attrInt(node, "group", 1),
    kernelShape: attrInts(node, "kernel_shape"),
    strides: attrInts(node, "strides"),
    pads: attrInts(node, "pads"),
    dilations: attrInts(node, "dilations"),
  };
}

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
 * (the weights' spatial dims, which kernel_shape may only restate), with auto_pad resolved
 * as ONNX defines it.
 * @throws {RangeError} on attribute lists of the wrong length or an unknown auto_pad
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const g = convGeometry({ autoPad: "SAME_UPPER", group: 1, strides: [2] }, [5], [3]);
 * assert.deepEqual([g.pads, g.output], [[1], [3]]);
 * ```
 */
export function convGeometry(
  p: ConvParams,
  input: readonly number[],
  kernel: readonly number[],
): ConvGeometry {
  const rank = input.length;
  const list = (v: number[] | undefined, name: string, fill: number, len = rank) => {
    if (v && v.length !== len) {
      throw new RangeError(`${name} has ${v.length} values, expected ${len}`);
    }
    return v ?? Array(len).fill(fill);
  };
  list(p.kernelShape, "kernel_shape", 0);
  const k = [...kernel];
  const strides = list(p.strides, "strides", 1), dilations = list(p.dilations, "dilations", 1);
  const explicit = list(p.pads, "pads", 0, 2 * rank);
  const pads: number[] = [], output: number[] = [];
  for (let i = 0; i < rank; i++) {
    const span = (k[i] - 1) * dilations[i] + 1, s = strides[i];
    if (p.autoPad === "NOTSET") {
      pads.push(explicit[i]);
      output.push(Math.floor((input[i] + explicit[i] + explicit[rank + i] - span) / s) + 1);
    } else if (p.autoPad === "VALID") {
      pads.push(0);
      output.push(Math.floor((input[i] - span) / s) + 1);
    } else if (p.autoPad === "SAME_UPPER" || p.autoPad === "SAME_LOWER") {
      const out = Math.ceil(input[i] / s);
      const total = Math.max(0, (out - 1) * s + span - input[i]);
      pads.push(p.autoPad === "SAME_UPPER" ? Math.floor(total / 2) : Math.ceil(total / 2));
      output.push(out);
    } else throw new RangeError(`auto_pad "${p.autoPad}" is not one of NOTSET, VALID, SAME_*`);
  }
  return { kernel: k, strides, dilations, pads, output };
}

/** Output type of a convolution of x by w (NC... layouts). */
function convType(x: InputInfo, w: InputInfo, dtype: DType, ctx: RuleContext<ConvParams>) {
  if (!x.dims || !w.dims) return { dtype };
  const fail = (why: string): never => {
    throw new ShapeError(ctx.node.name, ctx.node.opType, why);
  };
  const { group } = ctx.params;
  if (x.dims.length < 3 || w.dims.length !== x.dims.length) {
    fail(`input shapes [${x.dims}] and [${w.dims}] do not fit a convolution`);
  }
  const [c, wc, m] = [x.dims[1], w.dims[1], w.dims[0]];
  if (typeof c === "number" && typeof wc === "number" && c !== wc * group) {
    fail(`x has ${c} channels, weights expect ${wc} × group ${group}`);
  }
  if (typeof m === "number" && m % group !== 0) {
    fail(`${m} filters do not split into ${group} groups`);
  }
  const space = x.dims.slice(2), kernel = w.dims.slice(2);
  if (!isConcrete(space) || !isConcrete(kernel)) {
    return { dtype, dims: [x.dims[0], m, ...space.map(() => unknownDim())] };
  }
  let output: number[] = [];
  try {
    output = convGeometry(ctx.params, space, kernel).output;
  } catch (e) {
    fail((e as Error).message);
  }
  if (output.some((d) => d < 1)) fail(`output spatial shape [${output}] is empty`);
  return { dtype, dims: [x.dims[0], m, ...output] };
}

/** Two flops per weight of a group's filter for every output element. */
function convCost(w: TensorType, y: TensorType) {
  const perOutput = productDims((w.dims ?? [0]).slice(1)), out = productDims(y.dims ?? [0]);
  const ok = typeof perOutput === "number" && typeof out === "number";
  return { flops: ok ? 2 * perOutput * out : 0 };
}

const ConvInteger = defineOp({
  opType: "ConvInteger",
  prepare: convParams,
  infer: (inputs, ctx): TensorType[] => {
    const x = required(inputs, 0, ctx), w = required(inputs, 1, ctx);
    expectType(x, INT8, "x", ctx);
    expectType(w, INT8, "w", ctx);
    if (inputs[2]) expectType(inputs[2], [x.dtype], "x_zero_point", ctx);
    if (inputs[3]) expectType(inputs[3], [w.dtype], "w_zero_point", ctx);
    return [convType(x, w, "int32", ctx)];
  },
  cost: (inputs, outputs) => convCost(inputs[1], outputs[0]),
});

const QLinearConv = defineOp({
  opType: "QLinearConv",
  prepare: convParams,
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
