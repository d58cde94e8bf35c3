/**
 * Index-driven movement ops: Gather, GatherElements, GatherND, ScatterElements (and its
 * deprecated name Scatter), ScatterND.
 * @module
 */
import type { Dim, Node, TensorType } from "../ir.ts";
import { attrInt, attrString } from "./_attrs.ts";
import { required } from "./_common.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";
import { fail, resolveAxis } from "./movement_axes.ts";

/** Scatter reductions, numbered as the kernels number them. */
const REDUCTIONS = ["none", "add", "mul", "max", "min"] as const;

/** Data and indices of an index op, the indices checked to be int32 or int64. */
function dataAndIndices(inputs: readonly (InputInfo | undefined)[], ctx: RuleContext<unknown>) {
  const data = required(inputs, 0, ctx), idx = required(inputs, 1, ctx);
  if (idx.dtype !== "int32" && idx.dtype !== "int64") {
    fail(ctx, `indices are ${idx.dtype}, expected int32 or int64`);
  }
  return { data, idx };
}

/**
 * Checks that `dims` match `expected` where both are known: the kernels read as many
 * elements as `expected` counts.
 * @throws {ShapeError} on a known mismatch
 */
function sameDims(
  ctx: RuleContext<unknown>,
  what: string,
  dims: readonly Dim[],
  expected: readonly Dim[],
): void {
  const clash = (d: Dim, i: number) =>
    typeof d === "number" && typeof expected[i] === "number" && d !== expected[i];
  if (dims.length !== expected.length || dims.some(clash)) {
    fail(ctx, `${what} have shape [${dims}], expected [${expected}]`);
  }
}

const Gather = defineOp({
  opType: "Gather",
  prepare: (node) => attrInt(node, "axis", 0),
  infer: (inputs, ctx): TensorType[] => {
    const { data, idx } = dataAndIndices(inputs, ctx);
    if (!data.dims || !idx.dims) return [{ dtype: data.dtype }];
    const axis = resolveAxis(ctx, ctx.params, data.dims.length);
    return [{
      dtype: data.dtype,
      dims: [...data.dims.slice(0, axis), ...idx.dims, ...data.dims.slice(axis + 1)],
    }];
  },
});

/** Checks GatherElements/ScatterElements ranks; returns the resolved axis. */
function elementsAxis(
  ctx: RuleContext<{ axis: number }>,
  data: readonly Dim[],
  idx: readonly Dim[],
): number {
  if (idx.length !== data.length) fail(ctx, `indices have rank ${idx.length}, data ${data.length}`);
  return resolveAxis(ctx, ctx.params.axis, data.length);
}

const GatherElements = defineOp({
  opType: "GatherElements",
  prepare: (node) => ({ axis: attrInt(node, "axis", 0) }),
  infer: (inputs, ctx): TensorType[] => {
    const { data, idx } = dataAndIndices(inputs, ctx);
    if (data.dims && idx.dims) elementsAxis(ctx, data.dims, idx.dims);
    return [{ dtype: data.dtype, dims: idx.dims }];
  },
});

/**
 * The tuple length of GatherND/ScatterND indices, checked against the data rank.
 * @throws {ShapeError} when the tuples cannot index the data
 */
function tupleLength(
  ctx: { node: Node },
  data: readonly Dim[],
  idx: readonly Dim[],
  batch: number,
): number {
  const k = idx.at(-1);
  if (
    typeof k !== "number" || idx.length < 1 || k < 0 || k > data.length - batch ||
    batch >= idx.length
  ) {
    fail(ctx, `indices [${idx}] cannot index data [${data}] after ${batch} batch dims`);
  }
  return k;
}

const GatherND = defineOp({
  opType: "GatherND",
  prepare: (node) => attrInt(node, "batch_dims", 0),
  infer: (inputs, ctx): TensorType[] => {
    const { data, idx } = dataAndIndices(inputs, ctx);
    if (!data.dims || !idx.dims || typeof idx.dims.at(-1) !== "number") {
      return [{ dtype: data.dtype }];
    }
    const k = tupleLength(ctx, data.dims, idx.dims, ctx.params);
    const b = ctx.params;
    sameDims(ctx, "batch dims of indices", idx.dims.slice(0, b), data.dims.slice(0, b));
    return [{
      dtype: data.dtype,
      dims: [...idx.dims.slice(0, -1), ...data.dims.slice(ctx.params + k)],
    }];
  },
});

function reductionOf(node: Node): number {
  const name = attrString(node, "reduction", "none");
  const code = (REDUCTIONS as readonly string[]).indexOf(name);
  if (code < 0) fail({ node }, `reduction "${name}" is not supported`);
  return code;
}

/** A ScatterElements schema under `opType` (Scatter is its deprecated name). */
function scatterElements(opType: string): OpSchema<{ axis: number; reduction: number }> {
  return defineOp({
    opType,
    prepare: (node) => ({ axis: attrInt(node, "axis", 0), reduction: reductionOf(node) }),
    infer: (inputs, ctx): TensorType[] => {
      const { data, idx } = dataAndIndices(inputs, ctx);
      const upd = required(inputs, 2, ctx);
      if (data.dims && idx.dims) elementsAxis(ctx, data.dims, idx.dims);
      if (upd.dtype !== data.dtype) fail(ctx, `updates are ${upd.dtype}, data ${data.dtype}`);
      if (idx.dims && upd.dims) sameDims(ctx, "updates", upd.dims, idx.dims);
      return [{ dtype: data.dtype, dims: data.dims }];
    },
  });
}

const ScatterND = defineOp({
  opType: "ScatterND",
  prepare: reductionOf,
  infer: (inputs, ctx): TensorType[] => {
    const { data, idx } = dataAndIndices(inputs, ctx);
    const upd = required(inputs, 2, ctx);
    if (upd.dtype !== data.dtype) fail(ctx, `updates are ${upd.dtype}, data ${data.dtype}`);
    if (data.dims && idx.dims && typeof idx.dims.at(-1) === "number") {
      const k = tupleLength(ctx, data.dims, idx.dims, 0);
      const expected = [...idx.dims.slice(0, -1), ...data.dims.slice(k)];
      if (upd.dims) sameDims(ctx, "updates", upd.dims, expected);
    }
    return [{ dtype: data.dtype, dims: data.dims }];
  },
});

/** Schemas of the index-driven movement ops. */
export const INDEX_OPS: readonly OpSchema<unknown>[] = [
  Gather,
  GatherElements,
  GatherND,
  scatterElements("ScatterElements"),
  scatterElements("Scatter"),
  ScatterND,
];
