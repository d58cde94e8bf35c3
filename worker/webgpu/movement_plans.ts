/**
 * Strided walks of the layout ops, planned from dims alone: a walk per op (or per input
 * of Concat, per output of Split) that any strided-copy kernel can run.
 * @module
 */
import type { SlicePlan } from "../../graph/ops/movement_layout.ts";
import { type StridedCopy, stridesOf } from "../ops/movement_walk.ts";

/** The walk that writes `view` (contiguous source dims) with its axes in `perm` order. */
export function permuteWalk(view: readonly number[], perm: readonly number[]): StridedCopy {
  const s = stridesOf(view), dims = perm.map((p) => view[p]);
  return {
    srcOffset: 0,
    dstOffset: 0,
    dims,
    srcStrides: perm.map((p) => s[p]),
    dstStrides: stridesOf(dims),
  };
}

/**
 * The walk of a Slice from `x` dims to `y` dims: the plan's starts and steps.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const w = sliceWalk([4], [2], { starts: [3], steps: [-2], dims: [2] });
 * assert.deepEqual([w.srcOffset, w.srcStrides], [3, [-2]]);
 * ```
 */
export function sliceWalk(
  x: readonly number[],
  y: readonly number[],
  plan: SlicePlan,
): StridedCopy {
  const s = stridesOf(x);
  return {
    srcOffset: plan.starts.reduce((acc, start, a) => acc + start * s[a], 0),
    dstOffset: 0,
    dims: y,
    srcStrides: s.map((v, a) => v * plan.steps[a]),
    dstStrides: stridesOf(y),
  };
}

/** Broadcasts `x` (aligned to the right) over `y` with zero strides. */
export function expandWalk(x: readonly number[], y: readonly number[]): StridedCopy {
  const s = stridesOf(x), lead = y.length - x.length;
  return {
    srcOffset: 0,
    dstOffset: 0,
    dims: y,
    srcStrides: y.map((_, i) => (i < lead || x[i - lead] === 1 ? 0 : s[i - lead])),
    dstStrides: stridesOf(y),
  };
}

/** Tile: each axis of `x` becomes a (repeat, dim) pair; the repeat reads with stride 0. */
export function tileWalk(x: readonly number[], y: readonly number[]): StridedCopy {
  const s = stridesOf(x), o = stridesOf(y);
  return {
    srcOffset: 0,
    dstOffset: 0,
    dims: x.flatMap((d, a) => [y[a] / d, d]),
    srcStrides: s.flatMap((v) => [0, v]),
    dstStrides: o.flatMap((v, a) => [v * x[a], v]),
  };
}

/** Concat: one walk per input, writing its slab of `y` along `axis`. */
export function concatWalks(
  xs: readonly (readonly number[])[],
  y: readonly number[],
  axis: number,
): StridedCopy[] {
  const o = stridesOf(y);
  let at = 0;
  return xs.map((x) => {
    const w = { srcOffset: 0, dstOffset: at * o[axis], dims: x, srcStrides: stridesOf(x) };
    at += x[axis];
    return { ...w, dstStrides: o };
  });
}

/** Split: one walk per output, reading its slab of `x` along `axis`. */
export function splitWalks(
  x: readonly number[],
  ys: readonly (readonly number[])[],
  axis: number,
): StridedCopy[] {
  const s = stridesOf(x);
  let at = 0;
  return ys.map((y) => {
    const w = { srcOffset: at * s[axis], dstOffset: 0, dims: y, srcStrides: s };
    at += y[axis];
    return { ...w, dstStrides: stridesOf(y) };
  });
}

/** DepthToSpace of NCHW `x`: its 6-D block view, transposed. */
export function depthToSpaceWalk(x: readonly number[], block: number, crd: boolean): StridedCopy {
  const b = block, [n, c, h, w] = x;
  const view = crd ? [n, c / (b * b), b, b, h, w] : [n, b, b, c / (b * b), h, w];
  return permuteWalk(view, crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2]);
}

/** SpaceToDepth of NCHW `x`: the inverse view and permutation of DepthToSpace. */
export function spaceToDepthWalk(x: readonly number[], block: number, crd: boolean): StridedCopy {
  const b = block, [n, c, h, w] = x;
  const perm = crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4];
  return permuteWalk([n, c, h / b, b, w / b, b], perm);
}
