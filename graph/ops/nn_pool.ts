/**
 * Pooling: MaxPool (with optional argmax Indices), AveragePool, LpPool over 1-, 2- and 3-D
 * windows, and their global forms over whole planes.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Dim, Node, TensorType } from "../ir.ts";
import { attrFloat, attrInt } from "./_attrs.ts";
import { required } from "./_common.ts";
import { productDims } from "./_dims.ts";
import { expectDType, FLOAT_TYPES } from "./nn_dtypes.ts";
import {
  type AxisWindow,
  checkRank,
  parseWindow,
  spatialDims,
  type WindowAttrs,
  windowAxis,
} from "./nn_window.ts";
import { defineOp, type InputInfo, noParams, type OpSchema, type RuleContext } from "./schema.ts";

/** The attributes every windowed pool has. */
export interface PoolParams {
  window: WindowAttrs;
  ceilMode: boolean;
}

/** MaxPool's attributes. */
export interface MaxPoolParams extends PoolParams {
  /** Indices count the spatial axes column-major (storage_order 1). */
  columnMajor: boolean;
}

/** AveragePool's attributes. */
export interface AveragePoolParams extends PoolParams {
  countIncludePad: boolean;
}

/** LpPool's and GlobalLpPool's attributes. */
export interface LpPoolParams extends PoolParams {
  p: number;
}

function preparePool(node: Node): PoolParams {
  const window = parseWindow(node);
  if (!window.kernelShape) {
    throw new ShapeError(node.name, node.opType, `attribute "kernel_shape" is missing`);
  }
  return { window, ceilMode: attrInt(node, "ceil_mode", 0) !== 0 };
}

/**
 * The resolved window of each spatial axis of a pool over input dims `x` (N, C, ...).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const p = { window: { autoPad: "NOTSET" as const, kernelShape: [2, 2], strides: [2, 2] },
 *   ceilMode: false };
 * assert.deepEqual(poolWindows(p, [1, 1, 5, 4]).map((a) => a.output), [2, 2]);
 * ```
 */
export function poolWindows(p: PoolParams, x: readonly number[]): AxisWindow[] {
  const k = p.window.kernelShape!;
  return x.slice(2).map((d, i) => windowAxis(p.window, i, x.length - 2, d, k[i], p.ceilMode));
}

/** X with its type and rank checked. */
function poolInput(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<unknown>,
  types: readonly DType[],
): InputInfo {
  const x = required(inputs, 0, ctx);
  expectDType(x, 0, types, ctx);
  if (x.dims && x.dims.length < 3) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `X has rank ${x.dims.length}, expected 3 or more`,
    );
  }
  return x;
}

/** A windowed pool's output types: Y like X (and int64 Indices for MaxPool). */
function windowedTypes(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<PoolParams>,
  types: readonly DType[],
): TensorType[] {
  const x = poolInput(inputs, ctx, types);
  let dims: Dim[] | undefined;
  if (x.dims) {
    const spatial = x.dims.length - 2, w = ctx.params.window;
    checkRank(w, spatial, ctx);
    if (w.kernelShape!.length !== spatial) {
      throw new ShapeError(
        ctx.node.name,
        ctx.node.opType,
        `kernel_shape has ${w.kernelShape!.length} entries, expected ${spatial}`,
      );
    }
    const axis = (i: number, size: number) =>
      windowAxis(w, i, spatial, size, w.kernelShape![i], ctx.params.ceilMode);
    dims = [x.dims[0], x.dims[1], ...spatialDims(x.dims.slice(2), axis)];
  }
  const y = { dtype: x.dtype, dims };
  return ctx.node.outputs.length > 1 ? [y, { dtype: "int64", dims }] : [y];
}

/** Work of a windowed pool: one operation per tap of every output. */
function windowedCost(
  _inputs: readonly TensorType[],
  outputs: readonly TensorType[],
  ctx: RuleContext<PoolParams>,
): { flops: number } {
  const out = outputs[0].dims ? productDims(outputs[0].dims) : 0;
  const taps = ctx.params.window.kernelShape!.reduce((a, b) => a * b, 1);
  return { flops: typeof out === "number" ? out * taps : 0 };
}

const MaxPool = defineOp({
  opType: "MaxPool",
  prepare: (node): MaxPoolParams => ({
    ...preparePool(node),
    columnMajor: attrInt(node, "storage_order", 0) !== 0,
  }),
  infer: (inputs, ctx) => windowedTypes(inputs, ctx, [...FLOAT_TYPES, "int8", "uint8"]),
  cost: windowedCost,
});

const AveragePool = defineOp({
  opType: "AveragePool",
  prepare: (node): AveragePoolParams => ({
    ...preparePool(node),
    countIncludePad: attrInt(node, "count_include_pad", 0) !== 0,
  }),
  infer: (inputs, ctx) => windowedTypes(inputs, ctx, FLOAT_TYPES),
  cost: windowedCost,
});

const LpPool = defineOp({
  opType: "LpPool",
  prepare: (node): LpPoolParams => ({ ...preparePool(node), p: attrFloat(node, "p", 2) }),
  infer: (inputs, ctx) => windowedTypes(inputs, ctx, FLOAT_TYPES),
  cost: windowedCost,
});

/** A global pool's output: [N, C, 1, ...]. */
function globalTypes(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<unknown>,
): TensorType[] {
  const x = poolInput(inputs, ctx, FLOAT_TYPES);
  return [{ dtype: x.dtype, dims: x.dims?.map((d, i) => i < 2 ? d : 1) }];
}

/** A global pool's work: one operation per input element. */
function globalCost(inputs: readonly TensorType[]): { flops: number } {
  const n = inputs[0].dims ? productDims(inputs[0].dims) : 0;
  return { flops: typeof n === "number" ? n : 0 };
}

const GlobalAveragePool = defineOp({
  opType: "GlobalAveragePool",
  prepare: noParams,
  infer: globalTypes,
  cost: globalCost,
});

const GlobalMaxPool = defineOp({
  opType: "GlobalMaxPool",
  prepare: noParams,
  infer: globalTypes,
  cost: globalCost,
});

/** GlobalLpPool's attribute. */
export interface GlobalLpPoolParams {
  p: number;
}

const GlobalLpPool = defineOp({
  opType: "GlobalLpPool",
  prepare: (node): GlobalLpPoolParams => ({ p: attrFloat(node, "p", 2) }),
  infer: globalTypes,
  cost: globalCost,
});

/** The pooling schemas. */
export const POOL_OPS: readonly OpSchema<unknown>[] = [
  MaxPool,
  AveragePool,
  LpPool,
  GlobalAveragePool,
  GlobalMaxPool,
  GlobalLpPool,
];
