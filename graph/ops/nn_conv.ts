/**
 * Conv and ConvTranspose over 1-, 2- and 3-D images: groups (depthwise included),
 * strides, dilations, explicit or automatic padding, optional bias; ConvTranspose adds
 * output_padding and output_shape.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Dim, TensorType } from "../ir.ts";
import { attrInt, attrInts } from "./_attrs.ts";
import { required } from "./_common.ts";
import { mulDim, productDims, unknownDim } from "./_dims.ts";
import { expectDType, FLOAT_TYPES } from "./nn_dtypes.ts";
import {
  type AxisWindow,
  checkRank,
  parseWindow,
  spatialDims,
  type WindowAttrs,
  windowAxis,
} from "./nn_window.ts";
import { defineOp, type InputInfo, type RuleContext } from "./schema.ts";
import type { Activation } from "./nn_fused.ts";

/** Conv's attributes. */
export interface ConvParams {
  window: WindowAttrs;
  group: number;
  /** Set by FusedConv: the activation its epilogue applies. */
  activation?: Activation;
}

/** ConvTranspose's attributes. */
export interface ConvTransposeParams extends ConvParams {
  outputPadding?: number[];
  /** Spatial output sizes (given with or without the leading N and C). */
  outputShape?: number[];
}

function prepareConv(node: Parameters<typeof parseWindow>[0]): ConvParams {
  const group = attrInt(node, "group", 1);
  if (group < 1) throw new ShapeError(node.name, node.opType, `group ${group} is below 1`);
  return { window: parseWindow(node), group };
}

/** X, W and optional B, their types and B's rank checked. */
function operands(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<ConvParams>,
): { x: InputInfo; w: InputInfo } {
  const x = required(inputs, 0, ctx), w = required(inputs, 1, ctx);
  expectDType(x, 0, FLOAT_TYPES, ctx);
  inputs.forEach((t, i) => {
    if (t && t.dtype !== x.dtype) fail(ctx, `input ${i} has type "${t.dtype}", not "${x.dtype}"`);
  });
  const b = inputs[2]?.dims;
  if (b && b.length !== 1) fail(ctx, `B has rank ${b.length}, expected 1`);
  return { x, w };
}

/** The number of spatial axes, once X's and W's ranks and the attribute lengths fit. */
function spatialRank(x: readonly Dim[], w: readonly Dim[], ctx: RuleContext<ConvParams>): number {
  if (x.length < 3 || w.length !== x.length) {
    fail(ctx, `X of rank ${x.length} and W of rank ${w.length} do not fit`);
  }
  checkRank(ctx.params.window, x.length - 2, ctx);
  return x.length - 2;
}

/**
 * Output dims of a convolution of X by W (N C spatial... layouts), symbolic dims allowed:
 * ranks, attribute lengths and channel counts checked. Conv, ConvInteger and QLinearConv
 * share it.
 * @throws {ShapeError} naming what does not fit
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "c", opType: "Conv", domain: "", inputs: [], outputs: [], attributes: new Map() };
 * const params = { window: { autoPad: "VALID" as const }, group: 1 };
 * assert.deepEqual(convDims(["N", 3, 8, 8], [4, 3, 3, 3], { node, params, opset: 13 }), ["N", 4, 6, 6]);
 * ```
 */
export function convDims(
  x: readonly Dim[],
  w: readonly Dim[],
  ctx: RuleContext<ConvParams>,
): Dim[] {
  const spatial = spatialRank(x, w, ctx);
  const [n, c] = x, [m, cg] = w;
  checkChannels(ctx, c, mulDim(cg, ctx.params.group), m);
  const kernel = kernelOf(ctx.params, w);
  const axis = (i: number, size: number) =>
    windowAxis(ctx.params.window, i, spatial, size, kernel[i], false);
  return [n, m, ...knownKernel(kernel, x.slice(2), axis)];
}

/** Kernel sizes: the attribute, else W's spatial dims (NaN where symbolic). */
function kernelOf(p: ConvParams, w: readonly Dim[]): number[] {
  return p.window.kernelShape ?? w.slice(2).map((d) => typeof d === "number" ? d : NaN);
}

/**
 * The resolved window of each spatial axis of a Conv.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const p = { window: { autoPad: "NOTSET" as const, pads: [1, 1, 1, 1] }, group: 1 };
 * assert.deepEqual(convWindows(p, [1, 3, 8, 8], [4, 3, 3, 3]).map((a) => a.output), [8, 8]);
 * ```
 */
export function convWindows(
  p: ConvParams,
  x: readonly number[],
  w: readonly number[],
): AxisWindow[] {
  const kernel = kernelOf(p, w);
  return x.slice(2).map((d, i) => windowAxis(p.window, i, x.length - 2, d, kernel[i], false));
}

/** Conv. */
export const Conv = defineOp({
  opType: "Conv",
  prepare: prepareConv,
  infer: (inputs, ctx) => {
    const { x, w } = operands(inputs, ctx);
    if (!x.dims || !w.dims) return [{ dtype: x.dtype }];
    return [{ dtype: x.dtype, dims: convDims(x.dims, w.dims, ctx) }];
  },
  cost: (inputs, outputs) => ({ flops: convFlops(outputs[0], inputs[1].dims?.slice(1)) }),
});

/**
 * The resolved window of each spatial axis of a ConvTranspose, `output` being the output
 * size: from output_shape (pads derived), auto_pad SAME_* (input × stride) or the pads.
 */
export function convTransposeWindows(
  p: ConvTransposeParams,
  x: readonly number[],
  w: readonly number[],
): AxisWindow[] {
  const kernel = kernelOf(p, w), rank = x.length - 2;
  return x.slice(2).map((input, i) => {
    const stride = p.window.strides?.[i] ?? 1, dilation = p.window.dilations?.[i] ?? 1;
    const full = stride * (input - 1) + (p.outputPadding?.[i] ?? 0) +
      (kernel[i] - 1) * dilation + 1;
    const base = { kernel: kernel[i], stride, dilation };
    const auto = p.window.autoPad;
    const target = p.outputShape?.[p.outputShape.length - rank + i] ??
      (auto === "SAME_UPPER" || auto === "SAME_LOWER" ? input * stride : undefined);
    if (target !== undefined) {
      const total = Math.max(0, full - target);
      const small = Math.floor(total / 2);
      const padBegin = auto === "SAME_UPPER" ? small : total - small;
      return { ...base, padBegin, padEnd: total - padBegin, output: target };
    }
    const padBegin = auto === "VALID" ? 0 : p.window.pads?.[i] ?? 0;
    const padEnd = auto === "VALID" ? 0 : p.window.pads?.[i + rank] ?? 0;
    return { ...base, padBegin, padEnd, output: Math.max(0, full - padBegin - padEnd) };
  });
}

/** ConvTranspose. */
export const ConvTranspose = defineOp({
  opType: "ConvTranspose",
  prepare: (node): ConvTransposeParams => ({
    ...prepareConv(node),
    outputPadding: attrInts(node, "output_padding"),
    outputShape: attrInts(node, "output_shape"),
  }),
  infer: (inputs, ctx) => {
    const { x, w } = operands(inputs, ctx);
    if (!x.dims || !w.dims) return [{ dtype: x.dtype }];
    const spatial = spatialRank(x.dims, w.dims, ctx), p = ctx.params;
    if (p.outputPadding && p.outputPadding.length !== spatial) {
      fail(ctx, `output_padding has ${p.outputPadding.length} entries, expected ${spatial}`);
    }
    if (p.outputShape && ![spatial, spatial + 2].includes(p.outputShape.length)) {
      fail(ctx, `output_shape has ${p.outputShape.length} entries, expected ${spatial}`);
    }
    const [n, c] = x.dims, [cw, mg] = w.dims;
    const m = mulDim(mg, p.group);
    checkChannels(ctx, c, cw, m);
    const kernel = kernelOf(p, w.dims);
    const xs = x.dims.slice(2);
    const known = xs.every((d) => typeof d === "number") && kernel.every(Number.isFinite);
    const out = known
      ? convTransposeWindows(p, [0, 0, ...xs as number[]], [0, 0, ...kernel]).map((a) => a.output)
      : xs.map(() => unknownDim());
    return [{ dtype: x.dtype, dims: [n, m, ...out] }];
  },
  cost: (inputs) => ({ flops: convFlops(inputs[0], inputs[1].dims?.slice(1)) }),
});

/** Output spatial dims, unknown throughout when the kernel size is symbolic. */
function knownKernel(
  kernel: number[],
  input: readonly Dim[],
  axis: (i: number, size: number) => AxisWindow,
): Dim[] {
  return kernel.every(Number.isFinite) ? spatialDims(input, axis) : input.map(() => unknownDim());
}

/** Checks X's channels against W's (times group) and that group divides the outputs. */
function checkChannels(ctx: RuleContext<ConvParams>, c: Dim, cw: Dim, m: Dim): void {
  if (typeof c === "number" && typeof cw === "number" && c !== cw) {
    fail(ctx, `X has ${c} channels, W expects ${cw}`);
  }
  if (typeof m === "number" && m % ctx.params.group !== 0) {
    fail(ctx, `${m} output channels do not split into ${ctx.params.group} groups`);
  }
  if (typeof c === "number" && c % ctx.params.group !== 0) {
    fail(ctx, `${c} input channels do not split into ${ctx.params.group} groups`);
  }
}

/** 2 × (elements of `side`) × `perElement`: W's multiply-adds per output (Conv) or per
 * input (ConvTranspose) element. */
function convFlops(side: TensorType, perElement: readonly Dim[] | undefined): number {
  const a = side.dims ? productDims(side.dims) : undefined;
  const b = perElement ? productDims(perElement) : undefined;
  return typeof a === "number" && typeof b === "number" ? 2 * a * b : 0;
}

function fail(ctx: RuleContext<unknown>, detail: string): never {
  throw new ShapeError(ctx.node.name, ctx.node.opType, detail);
}
