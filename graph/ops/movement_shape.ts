/**
 * Movement ops that only rename a buffer (Reshape, Flatten, Squeeze, Unsqueeze) or build
 * a tensor from shapes and scalars (Shape, Size, ConstantOfShape, Expand, Range).
 * @module
 */
import type { Dim, HostTensor, Node, TensorType } from "../ir.ts";
import { attrInt, attrInts, attrTensor } from "./_attrs.ts";
import { broadcastDims, productDims, unknownDim } from "./_dims.ts";
import { required } from "./_common.ts";
import { defineOp, noParams, type OpSchema } from "./schema.ts";
import {
  fail,
  inputValues,
  lengthOf,
  resolveAxes,
  type Site,
  unknownDims,
} from "./movement_axes.ts";

/** The cost of ops that move no element. */
const FREE = () => ({ flops: 0 });

/** `num / den` over dims, cancelling shared symbols; undefined when not a whole number. */
function quotient(num: readonly Dim[], den: readonly Dim[]): Dim | undefined {
  let n = 1, d = 1;
  const symbols: string[] = [];
  for (const x of num) typeof x === "number" ? (n *= x) : symbols.push(x);
  for (const x of den) {
    if (typeof x === "number") d *= x;
    else if (symbols.includes(x)) symbols.splice(symbols.indexOf(x), 1);
    else return unknownDim();
  }
  if (symbols.length === 0) return d !== 0 && n % d === 0 ? n / d : undefined;
  return symbols.length === 1 && n === d ? symbols[0] : unknownDim();
}

/**
 * Reshape's output dims: 0 copies the input dim (unless `allowzero`), -1 takes the rest.
 * @throws {ShapeError} when the element counts cannot match
 */
function reshapeDims(
  ctx: Site,
  dims: readonly Dim[] | undefined,
  shape: readonly number[],
  allowzero: boolean,
): Dim[] {
  const out: Dim[] = shape.map((s, i) => {
    if (s !== 0 || allowzero) return s;
    if (dims && i >= dims.length) {
      fail(ctx, `shape [${shape}] copies dim ${i} of a rank ${dims.length} input`);
    }
    return dims ? dims[i] : unknownDim();
  });
  const hole = shape.indexOf(-1);
  if (shape.some((s, i) => s < -1 || (s === -1 && i !== hole))) {
    fail(ctx, `shape [${shape}] is invalid`);
  }
  if (!dims) return hole < 0 ? out : out.map((d, i) => (i === hole ? unknownDim() : d));
  if (hole >= 0) {
    const rest = quotient(dims, out.filter((_, i) => i !== hole));
    if (rest === undefined) fail(ctx, `input [${dims}] cannot take shape [${shape}]`);
    out[hole] = rest;
  } else {
    const a = productDims(dims), b = productDims(out);
    if (typeof a === "number" && typeof b === "number" && a !== b) {
      fail(ctx, `input [${dims}] has ${a} elements, shape [${shape}] needs ${b}`);
    }
  }
  return out;
}

const Reshape = defineOp({
  opType: "Reshape",
  prepare: (node, opset) => ({
    allowzero: attrInt(node, "allowzero", 0) === 1,
    shape: opset < 5 ? attrInts(node, "shape", []) : undefined,
  }),
  infer: (inputs, ctx) => {
    const x = required(inputs, 0, ctx);
    const shape = ctx.params.shape ?? inputValues(inputs)(1) ?? undefined;
    if (!shape) {
      const n = lengthOf(inputs[1]);
      return [{ dtype: x.dtype, dims: n === undefined ? undefined : unknownDims(n) }];
    }
    return [{ dtype: x.dtype, dims: reshapeDims(ctx, x.dims, shape, ctx.params.allowzero) }];
  },
  cost: FREE,
  alias: 0,
});

const Flatten = defineOp({
  opType: "Flatten",
  prepare: (node) => attrInt(node, "axis", 1),
  infer: (inputs, ctx) => {
    const x = required(inputs, 0, ctx);
    if (!x.dims) return [{ dtype: x.dtype, dims: [unknownDim(), unknownDim()] }];
    const r = x.dims.length, a = ctx.params < 0 ? ctx.params + r : ctx.params;
    if (a < 0 || a > r) fail(ctx, `axis ${ctx.params} is out of range for rank ${r}`);
    return [{
      dtype: x.dtype,
      dims: [productDims(x.dims.slice(0, a)), productDims(x.dims.slice(a))],
    }];
  },
  cost: FREE,
  alias: 0,
});

/** Axes from the attribute (before `since`) or input 1; null when none are given. */
function axesParam(node: Node, opset: number, since: number): { attr?: number[] | null } {
  return { attr: opset < since ? (attrInts(node, "axes") ?? null) : undefined };
}

const Squeeze = defineOp({
  opType: "Squeeze",
  prepare: (node, opset) => axesParam(node, opset, 13),
  infer: (inputs, ctx) => {
    const x = required(inputs, 0, ctx);
    const axes = ctx.params.attr !== undefined ? ctx.params.attr : inputValues(inputs)(1);
    if (!x.dims || axes === undefined) return [{ dtype: x.dtype }];
    if (axes === null) {
      if (x.dims.some((d) => typeof d !== "number")) return [{ dtype: x.dtype }];
      return [{ dtype: x.dtype, dims: x.dims.filter((d) => d !== 1) }];
    }
    const drop = resolveAxes(ctx, axes, x.dims.length);
    for (const a of drop) {
      const d = x.dims[a];
      if (typeof d === "number" && d !== 1) fail(ctx, `axis ${a} has size ${d}, not 1`);
    }
    return [{ dtype: x.dtype, dims: x.dims.filter((_, i) => !drop.includes(i)) }];
  },
  cost: FREE,
  alias: 0,
});

const Unsqueeze = defineOp({
  opType: "Unsqueeze",
  prepare: (node, opset) => axesParam(node, opset, 13),
  infer: (inputs, ctx) => {
    const x = required(inputs, 0, ctx);
    const axes = ctx.params.attr ?? inputValues(inputs)(1), n = lengthOf(inputs[1]);
    if (!x.dims) return [{ dtype: x.dtype }];
    if (!axes) {
      return [{
        dtype: x.dtype,
        dims: n === undefined ? undefined : unknownDims(x.dims.length + n),
      }];
    }
    const rank = x.dims.length + axes.length;
    const at = resolveAxes(ctx, axes, rank);
    const rest = [...x.dims];
    const dims: Dim[] = [];
    for (let i = 0; i < rank; i++) dims.push(at.includes(i) ? 1 : rest.shift()!);
    return [{ dtype: x.dtype, dims }];
  },
  cost: FREE,
  alias: 0,
});

/**
 * The `[start, end)` range of dims Shape reports for an input of `rank`, clamped.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(shapeRange({ start: -1 }, 3), [2, 3]);
 * ```
 */
export function shapeRange(
  params: { start: number; end?: number },
  rank: number,
): [number, number] {
  const clamp = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const start = clamp(params.start);
  return [start, Math.max(start, clamp(params.end ?? rank))];
}

const Shape = defineOp({
  opType: "Shape",
  prepare: (node) => ({ start: attrInt(node, "start", 0), end: attrInt(node, "end") }),
  infer: (inputs, ctx): TensorType[] => {
    const x = required(inputs, 0, ctx);
    if (!x.dims) return [{ dtype: "int64", dims: [unknownDim()] }];
    const [s, e] = shapeRange(ctx.params, x.dims.length);
    return [{ dtype: "int64", dims: [e - s] }];
  },
  cost: FREE,
});

const Size = defineOp({
  opType: "Size",
  prepare: noParams,
  infer: (): TensorType[] => [{ dtype: "int64", dims: [] }],
  cost: FREE,
});

/** ConstantOfShape's default value: one float32 zero. */
const ZERO: HostTensor = { dtype: "float32", dims: [1], data: new Float32Array(1) };

const ConstantOfShape = defineOp({
  opType: "ConstantOfShape",
  prepare: (node) => attrTensor(node, "value") ?? ZERO,
  infer: (inputs, ctx) => {
    if (ctx.params.data.length !== 1) fail(ctx, 'attribute "value" must hold one element');
    const shape = inputValues(inputs)(0);
    const n = lengthOf(inputs[0]);
    if (shape?.some((d) => d < 0)) fail(ctx, `shape [${shape}] has a negative dim`);
    return [{
      dtype: ctx.params.dtype,
      dims: shape ?? (n === undefined ? undefined : unknownDims(n)),
    }];
  },
});

const Expand = defineOp({
  opType: "Expand",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const x = required(inputs, 0, ctx);
    const shape = inputValues(inputs)(1), n = lengthOf(inputs[1]);
    if (!x.dims) return [{ dtype: x.dtype }];
    if (!shape) {
      return [{
        dtype: x.dtype,
        dims: n === undefined ? undefined : unknownDims(Math.max(n, x.dims.length)),
      }];
    }
    const dims = broadcastDims([x.dims, shape]);
    if (!dims) fail(ctx, `input [${x.dims}] cannot expand to [${shape}]`);
    return [{ dtype: x.dtype, dims }];
  },
});

const Range = defineOp({
  opType: "Range",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const dtype = required(inputs, 0, ctx).dtype, values = inputValues(inputs);
    if (dtype === "bool" || [1, 2].some((i) => required(inputs, i, ctx).dtype !== dtype)) {
      fail(ctx, "start, limit and delta must be numbers of one type");
    }
    const [start, limit, delta] = [0, 1, 2].map((i) => values(i)?.[0]);
    if (start === undefined || limit === undefined || delta === undefined) {
      return [{ dtype, dims: [unknownDim()] }];
    }
    if (delta === 0) fail(ctx, "delta is 0");
    const span = dtype === "float32" ? Math.fround(limit - start) : limit - start;
    return [{ dtype, dims: [Math.max(Math.ceil(span / delta), 0)] }];
  },
});

/** Schemas of the reshaping and shape-building movement ops. */
export const SHAPE_OPS: readonly OpSchema<unknown>[] = [
  Reshape,
  Flatten,
  Squeeze,
  Unsqueeze,
  Shape,
  Size,
  ConstantOfShape,
  Expand,
  Range,
];
