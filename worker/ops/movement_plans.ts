/**
 * The strided walks of the layout ops, planned from dims and shape-like values alone, for
 * every backend: Transpose, Slice, Expand, Tile, Concat, Split, DepthToSpace and
 * SpaceToDepth each become one or more {@linkcode StridedCopy}s that a backend's
 * strided-copy kernel runs (the WASM `movement_copy` export, the WebGPU walk shader).
 * @module
 */
import { resolveAxis, type Site, type Values } from "../../graph/ops/movement_axes.ts";
import type { BlockParams } from "../../graph/ops/movement_blocks.ts";
import {
  type SliceAttrs,
  slicePlan,
  type SplitParams,
  transposePerm,
} from "../../graph/ops/movement_layout.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";

/**
 * Row-major strides (in elements) of `dims`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
 * ```
 */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/** Product of `dims[from..to)`. */
export function span(dims: readonly number[], from: number, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i];
  return n;
}

/** One strided walk: element offsets of its starts and per-dim steps in both buffers. */
export interface StridedCopy {
  srcOffset: number;
  dstOffset: number;
  dims: readonly number[];
  srcStrides: readonly number[];
  dstStrides: readonly number[];
}

/** A walk between two buffers of the same layout, from `srcOffset` of the source. */
function walkOf(srcOffset: number, dims: readonly number[], srcStrides: readonly number[]) {
  return { srcOffset, dstOffset: 0, dims, srcStrides, dstStrides: stridesOf(dims) };
}

/**
 * The walk copying `size` contiguous elements.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(flatWalk(6).dims, [6]);
 * ```
 */
export function flatWalk(size: number): StridedCopy {
  return walkOf(0, [size], [1]);
}

/** The walk that writes `view` (contiguous source dims) with its axes in `perm` order. */
function permuteWalk(view: readonly number[], perm: readonly number[]): StridedCopy {
  const s = stridesOf(view);
  return walkOf(0, perm.map((p) => view[p]), perm.map((p) => s[p]));
}

/** One copy of a layout op: input `from` to output `to` along `walk`. */
export interface WalkCopy {
  from: number;
  to: number;
  walk: StridedCopy;
}

/** What a layout op's walks are planned from: the fields both backends' kernel args share. */
export interface WalkArgs<P> extends Site {
  params: P;
  inputs: readonly (RuntimeTensor | undefined)[];
  outputs: readonly RuntimeTensor[];
}

/** How one layout op copies, and which of its inputs the plan reads as values. */
export interface WalkPlanner<P> {
  /** Shape-like inputs the plan reads with `values` (a GPU backend keeps them on the host). */
  reads: readonly number[];
  plan(args: WalkArgs<P>, values: Values): WalkCopy[];
}

/** A planner whose one walk copies input 0 to output 0. */
function single<P>(
  walk: (args: WalkArgs<P>, x: readonly number[], y: readonly number[], v: Values) => StridedCopy,
  reads: readonly number[] = [],
): WalkPlanner<P> {
  return {
    reads,
    plan: (args, values) => [{
      from: 0,
      to: 0,
      walk: walk(args, args.inputs[0]!.dims, args.outputs[0].dims, values),
    }],
  };
}

/** Slice: the plan's starts and steps from `x` dims to `y` dims. */
function slice(
  args: WalkArgs<SliceAttrs | undefined>,
  x: readonly number[],
  y: readonly number[],
  v: Values,
) {
  const plan = slicePlan(args, args.params, x, v)!, s = stridesOf(x);
  const start = plan.starts.reduce((acc, st, a) => acc + st * s[a], 0);
  return walkOf(start, y, s.map((step, a) => step * plan.steps[a]));
}

/** Expand: `x` (aligned to the right) broadcast over `y` with zero strides. */
function expand(_: WalkArgs<unknown>, x: readonly number[], y: readonly number[]) {
  const s = stridesOf(x), lead = y.length - x.length;
  return walkOf(0, y, y.map((_, i) => (i < lead || x[i - lead] === 1 ? 0 : s[i - lead])));
}

/** Tile: each axis of `x` becomes a (repeat, dim) pair; the repeat reads with stride 0. */
function tile(_: WalkArgs<unknown>, x: readonly number[], y: readonly number[]): StridedCopy {
  const s = stridesOf(x), o = stridesOf(y);
  return {
    srcOffset: 0,
    dstOffset: 0,
    dims: x.flatMap((d, a) => [y[a] / d, d]),
    srcStrides: s.flatMap((v) => [0, v]),
    dstStrides: o.flatMap((v, a) => [v * x[a], v]),
  };
}

/** Concat: one walk per input, writing its slab of the output along the axis. */
function concat(args: WalkArgs<number>): WalkCopy[] {
  const y = args.outputs[0].dims, o = stridesOf(y);
  const axis = resolveAxis(args, args.params, y.length);
  let at = 0;
  return args.inputs.map((t, from) => {
    const x = t!.dims, walk = { ...walkOf(0, x, stridesOf(x)), dstOffset: at * o[axis] };
    at += x[axis];
    return { from, to: 0, walk: { ...walk, dstStrides: o } };
  });
}

/** Split: one walk per output, reading its slab of the input along the axis. */
function split(args: WalkArgs<SplitParams>): WalkCopy[] {
  const x = args.inputs[0]!.dims, s = stridesOf(x);
  const axis = resolveAxis(args, args.params.axis, x.length);
  let at = 0;
  return args.outputs.map((t, to) => {
    const walk = walkOf(at * s[axis], t.dims, s);
    at += t.dims[axis];
    return { from: 0, to, walk };
  });
}

/** DepthToSpace of NCHW `x`: its 6-D block view, transposed. */
function depthToSpace({ params: p }: WalkArgs<BlockParams>, x: readonly number[]) {
  const b = p.block, [n, c, h, w] = x;
  const view = p.crd ? [n, c / (b * b), b, b, h, w] : [n, b, b, c / (b * b), h, w];
  return permuteWalk(view, p.crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2]);
}

/** SpaceToDepth of NCHW `x`: the inverse view and permutation of DepthToSpace. */
function spaceToDepth({ params: p }: WalkArgs<BlockParams>, x: readonly number[]) {
  const b = p.block, [n, c, h, w] = x;
  const perm = p.crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4];
  return permuteWalk([n, c, h / b, b, w / b, b], perm);
}

/**
 * The walk planners of the layout ops by ONNX name; each backend wraps every planner with
 * its own strided-copy kernel.
 */
export const WALK_PLANS: Record<string, WalkPlanner<never>> = {
  Transpose: single<number[] | undefined>((a, x) =>
    permuteWalk(x, transposePerm(a, a.params, x.length))
  ),
  Slice: single(slice, [1, 2, 3, 4]),
  Expand: single(expand, [1]),
  Tile: single(tile, [1]),
  Concat: { reads: [], plan: concat },
  Split: { reads: [1], plan: split },
  DepthToSpace: single(depthToSpace),
  SpaceToDepth: single(spaceToDepth),
};
