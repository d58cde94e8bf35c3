/**
 * Movement ops that permute, cut and join: Transpose, Slice, Split, Concat. Their plans
 * (permutation, slice starts and steps, split sizes) are exported so kernels and
 * optimizer passes compute them the same way.
 * @module
 */
import type { Dim, TensorType } from "../ir.ts";
import { attrInt, attrInts } from "./_attrs.ts";
import { unknownDim } from "./_dims.ts";
import { required } from "./_common.ts";
import { defineOp, type OpSchema } from "./schema.ts";
import {
  fail,
  firstInput,
  inputValues,
  resolveAxes,
  resolveAxis,
  type Site,
  unknownDims,
  type Values,
} from "./movement_axes.ts";

/**
 * Transpose's permutation: `perm`, or the reversed axes.
 * @throws {ShapeError} when `perm` is not a permutation of the axes
 */
export function transposePerm(
  site: Site,
  perm: readonly number[] | undefined,
  rank: number,
): number[] {
  const p = perm ? [...perm] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (p.length !== rank || new Set(p).size !== rank || p.some((a) => a < 0 || a >= rank)) {
    fail(site, `perm [${perm}] is not a permutation of ${rank} axes`);
  }
  return p;
}

const Transpose = defineOp({
  opType: "Transpose",
  prepare: (node) => attrInts(node, "perm"),
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    if (!dims) return [{ dtype }];
    return [{ dtype, dims: transposePerm(ctx, ctx.params, dims.length).map((p) => dims[p]) }];
  },
});

/** A run of int64 values large enough to mean "to the end" in Slice. */
const TO_END = 2 ** 31 - 1;

/** The one dim several inputs agree on, preferring a known size. */
function agree(site: Site, dims: readonly Dim[], axis: number): Dim {
  const known = dims.filter((d) => typeof d === "number");
  if (new Set(known).size > 1) fail(site, `inputs disagree on dim ${axis}: ${dims.join(", ")}`);
  return known[0] ?? dims[0];
}

const Concat = defineOp({
  opType: "Concat",
  prepare: (node) => attrInt(node, "axis", 1),
  infer: (inputs, ctx) => {
    const xs = inputs.map((_, i) => required(inputs, i, ctx));
    const shapes = xs.map((x) => x.dims);
    if (shapes.some((s) => !s)) return [{ dtype: xs[0].dtype }];
    const dims = shapes as Dim[][];
    const rank = dims[0].length;
    if (dims.some((d) => d.length !== rank)) fail(ctx, "inputs differ in rank");
    const axis = resolveAxis(ctx, ctx.params, rank);
    const out = dims[0].map((_, i) =>
      i === axis ? sumDims(dims.map((d) => d[i])) : agree(ctx, dims.map((d) => d[i]), i)
    );
    return [{ dtype: xs[0].dtype, dims: out }];
  },
});

/** The concatenated length of `dims`; inputs of length 0 leave the others as they are. */
function sumDims(dims: readonly Dim[]): Dim {
  const known = dims.filter((d) => d !== 0);
  if (known.length === 1) return known[0];
  return dims.every((d) => typeof d === "number")
    ? (dims as number[]).reduce((a, b) => a + b, 0)
    : unknownDim();
}

/** Split's attributes. */
export interface SplitParams {
  axis: number;
  /** The `split` attribute (opset < 13). */
  split?: number[];
  numOutputs?: number;
}

/**
 * Split's output sizes along its axis: from `split`, else equal parts of `dim` with a
 * smaller last one.
 * @throws {ShapeError} when the sizes do not add up to `dim`
 */
export function splitSizes(
  site: Site,
  params: SplitParams,
  dim: Dim,
  count: number,
  values: Values,
): Dim[] {
  const given = params.split ?? values(1);
  if (given === undefined) return unknownDims(count);
  if (given) {
    const sum = given.reduce((a, b) => a + b, 0);
    if (
      given.length !== count || given.some((s) => s < 0) || (typeof dim === "number" && sum !== dim)
    ) {
      fail(site, `split [${given}] does not cut dim ${dim} into ${count} parts`);
    }
    return given;
  }
  const parts = params.numOutputs ?? count;
  if (parts !== count) fail(site, `num_outputs is ${parts} but the node has ${count} outputs`);
  if (typeof dim !== "number") return count === 1 ? [dim] : unknownDims(count);
  const chunk = Math.ceil(dim / count);
  const sizes = Array.from({ length: count }, (_, i) => (i < count - 1 ? chunk : dim - chunk * i));
  if (sizes[count - 1] < 0) fail(site, `dim ${dim} cannot be split into ${count} parts`);
  return sizes;
}

const Split = defineOp({
  opType: "Split",
  prepare: (node, opset): SplitParams => ({
    axis: attrInt(node, "axis", 0),
    split: opset < 13 ? attrInts(node, "split") : undefined,
    numOutputs: attrInt(node, "num_outputs"),
  }),
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    const count = ctx.node.outputs.length;
    if (!dims) return ctx.node.outputs.map((): TensorType => ({ dtype }));
    const axis = resolveAxis(ctx, ctx.params.axis, dims.length);
    const sizes = splitSizes(ctx, ctx.params, dims[axis], count, inputValues(inputs));
    return sizes.map((s) => ({ dtype, dims: dims.map((d, i) => (i === axis ? s : d)) }));
  },
});

/** Slice's attributes before opset 10 (later versions take inputs). */
export interface SliceAttrs {
  starts: number[];
  ends: number[];
  axes?: number[];
}

/** Where Slice starts, how it steps and how many it takes along every axis. */
export interface SlicePlan {
  starts: number[];
  steps: number[];
  dims: Dim[];
}

/** First index and count of slicing an axis of `d` from `start` to `end` by `step`. */
function sliceAxis(d: number, start: number, end: number, step: number) {
  const clamp = (v: number, lo: number, hi: number) =>
    Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
  const last = step > 0 ? d : d - 1;
  const s = clamp(start, 0, last), e = clamp(end, step > 0 ? 0 : -1, last);
  return { start: s, len: Math.max(0, Math.ceil((e - s) / step)) };
}

/**
 * Slice's plan from its attributes (opset < 10) or inputs; undefined when they are unknown.
 * @throws {ShapeError} on mismatched lengths, bad axes or a zero step
 */
export function slicePlan(
  site: Site,
  attrs: SliceAttrs | undefined,
  dims: readonly Dim[],
  values: Values,
): SlicePlan | undefined {
  const starts = attrs?.starts ?? values(1), ends = attrs?.ends ?? values(2);
  const axes = attrs ? attrs.axes ?? null : values(3), steps = attrs ? null : values(4);
  if (!starts || !ends || axes === undefined || steps === undefined) return undefined;
  const n = starts.length;
  if (ends.length !== n || (axes && axes.length !== n) || (steps && steps.length !== n)) {
    fail(site, "starts, ends, axes and steps differ in length");
  }
  const at = resolveAxes(site, axes ?? starts.map((_, i) => i), dims.length);
  const plan: SlicePlan = { starts: dims.map(() => 0), steps: dims.map(() => 1), dims: [...dims] };
  at.forEach((a, k) => {
    const step = steps?.[k] ?? 1, d = dims[a];
    if (step === 0) fail(site, `step of axis ${a} is 0`);
    plan.steps[a] = step;
    if (typeof d !== "number") {
      const whole = starts[k] === 0 && ends[k] >= TO_END && step === 1;
      plan.dims[a] = whole ? d : unknownDim();
      return;
    }
    const { start, len } = sliceAxis(d, starts[k], ends[k], step);
    plan.starts[a] = start;
    plan.dims[a] = len;
  });
  return plan;
}

const Slice = defineOp({
  opType: "Slice",
  prepare: (node, opset): SliceAttrs | undefined =>
    opset < 10
      ? {
        starts: attrInts(node, "starts", []),
        ends: attrInts(node, "ends", []),
        axes: attrInts(node, "axes"),
      }
      : undefined,
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    if (!dims) return [{ dtype }];
    const plan = slicePlan(ctx, ctx.params, dims, inputValues(inputs));
    return [{ dtype, dims: plan?.dims ?? unknownDims(dims.length) }];
  },
});

/** Schemas of Transpose, Slice, Split and Concat. */
export const LAYOUT_OPS: readonly OpSchema<unknown>[] = [Transpose, Slice, Split, Concat];
