/**
 * Quantization ops: QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear here, the
 * integer products (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv) in
 * `quant_integer.ts`.
 * @module
 */
import { type DType, dtypeFromOnnx, onnxTypeName } from "../dtype.ts";
import { ShapeError, UnsupportedDTypeError } from "../errors.ts";
import { type Node, sizeOf, type TensorType } from "../ir.ts";
import { attrInt } from "./_attrs.ts";
import { isConcrete, normalizeAxis } from "./_dims.ts";
import { expectType, required } from "./_common.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";
import { QUANTIZED } from "./_quant.ts";
import { QUANT_INTEGER_OPS } from "./quant_integer.ts";

/** How a tensor `[outer, axis, inner]` maps onto its scales, as the kernels take it. */
export interface QuantLayout {
  outer: number;
  axis: number;
  inner: number;
  granularity: "tensor" | "axis" | "blocked";
  block: number;
}

/**
 * The layout of a (de)quantization: per tensor when the scale has one element, per axis for
 * a 1-D scale without block size, blocked otherwise.
 * @throws {RangeError} when the scale's shape fits none of them
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const l = quantLayout([2, 3, 4], [3], 1, 0);
 * assert.deepEqual([l.outer, l.axis, l.inner, l.granularity], [2, 3, 4, "axis"]);
 * ```
 */
export function quantLayout(
  dims: readonly number[],
  scale: readonly number[],
  axis: number,
  blockSize: number,
): QuantLayout {
  if (sizeOf(scale) === 1) {
    // One run of every element: the kernels loop over inner runs with a fixed scale.
    return { outer: 1, axis: 1, inner: sizeOf(dims), granularity: "tensor", block: 1 };
  }
  const a = normalizeAxis(axis, dims.length);
  if (a === undefined) throw new RangeError(`axis ${axis} is out of range for rank ${dims.length}`);
  const base = { outer: sizeOf(dims.slice(0, a)), axis: dims[a], inner: sizeOf(dims.slice(a + 1)) };
  if (blockSize <= 0) {
    if (scale.length !== 1 || scale[0] !== dims[a]) {
      throw new RangeError(`scale shape [${scale}] does not fit axis ${a} of [${dims}]`);
    }
    return { ...base, granularity: "axis", block: 1 };
  }
  const fits = scale.length === dims.length &&
    scale.every((s, i) => s === (i === a ? Math.ceil(dims[a] / blockSize) : dims[i]));
  if (!fits) {
    throw new RangeError(
      `scale shape [${scale}] does not block [${dims}] by ${blockSize} on axis ${a}`,
    );
  }
  return { ...base, granularity: "blocked", block: blockSize };
}

/** Parsed attributes of QuantizeLinear and DequantizeLinear. */
export interface LinearParams {
  axis: number;
  blockSize: number;
  /** The output_dtype attribute (0 when absent). */
  outputDtype: number;
  /** The precision attribute (0 when absent). */
  precision: number;
}

function linearParams(node: Node): LinearParams {
  return {
    axis: attrInt(node, "axis", 1),
    blockSize: attrInt(node, "block_size", 0),
    outputDtype: attrInt(node, "output_dtype", 0),
    precision: attrInt(node, "precision", 0),
  };
}

/** The output type a dtype attribute names, or an UnsupportedDTypeError. */
function attrDtype(code: number, allowed: readonly DType[], ctx: RuleContext<unknown>): DType {
  const dtype = dtypeFromOnnx(code);
  if (dtype && allowed.includes(dtype)) return dtype;
  throw new UnsupportedDTypeError(onnxTypeName(code), ctx.node.outputs[0], ctx.node.name);
}

/** Checks the scale and zero point shapes against x once all are known. */
function checkLayout(inputs: readonly (InputInfo | undefined)[], ctx: RuleContext<LinearParams>) {
  const x = required(inputs, 0, ctx), scale = required(inputs, 1, ctx), zp = inputs[2];
  if (!x.dims || !scale.dims || !isConcrete(x.dims) || !isConcrete(scale.dims)) return;
  try {
    quantLayout(x.dims, scale.dims, ctx.params.axis, ctx.params.blockSize);
  } catch (e) {
    throw new ShapeError(ctx.node.name, ctx.node.opType, (e as Error).message);
  }
  if (zp?.dims && zp.dims.join() !== scale.dims.join()) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `zero point shape [${zp.dims}] differs from scale shape [${scale.dims}]`,
    );
  }
}

const QuantizeLinear = defineOp({
  opType: "QuantizeLinear",
  prepare: linearParams,
  infer: (inputs, ctx): TensorType[] => {
    const x = required(inputs, 0, ctx), zp = inputs[2];
    expectType(x, ["float32", "float16", "int32"], "x", ctx);
    expectType(required(inputs, 1, ctx), ["float32", "float16", "int32"], "y_scale", ctx);
    if (zp) expectType(zp, QUANTIZED, "y_zero_point", ctx);
    checkLayout(inputs, ctx);
    const { outputDtype } = ctx.params;
    const dtype = zp?.dtype ??
      (outputDtype ? attrDtype(outputDtype, QUANTIZED, ctx) : "uint8");
    return [{ dtype, dims: x.dims }];
  },
});

const DequantizeLinear = defineOp({
  opType: "DequantizeLinear",
  prepare: linearParams,
  infer: (inputs, ctx): TensorType[] => {
    const x = required(inputs, 0, ctx), scale = required(inputs, 1, ctx), zp = inputs[2];
    expectType(x, [...QUANTIZED, "int32"], "x", ctx);
    expectType(scale, ["float32", "float16"], "x_scale", ctx);
    if (zp) expectType(zp, [x.dtype], "x_zero_point", ctx);
    checkLayout(inputs, ctx);
    const { outputDtype } = ctx.params;
    const dtype = outputDtype ? attrDtype(outputDtype, ["float32", "float16"], ctx) : scale.dtype;
    return [{ dtype, dims: x.dims }];
  },
});

const DynamicQuantizeLinear = defineOp({
  opType: "DynamicQuantizeLinear",
  prepare: () => null,
  infer: (inputs, ctx): TensorType[] => {
    const x = required(inputs, 0, ctx);
    expectType(x, ["float32"], "x", ctx);
    return [
      { dtype: "uint8", dims: x.dims },
      { dtype: "float32", dims: [] },
      { dtype: "uint8", dims: [] },
    ];
  },
});

/** Schemas of the quant family. */
export const QUANT_OPS: readonly OpSchema<unknown>[] = [
  QuantizeLinear,
  DequantizeLinear,
  DynamicQuantizeLinear,
  ...QUANT_INTEGER_OPS,
];
