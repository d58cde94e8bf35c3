/**
 * The host-side tables of Pad and Resize, for every backend: per-axis index maps (Pad,
 * nearest Resize) and the taps of linear and cubic Resize, written into arena scratch by
 * the Rust kernels, plus the order of Resize's separable passes. The WASM bindings hand
 * the tables to kernels by offset; the WebGPU kernels upload them as lookup buffers.
 * @module
 */
import type { Site, Values } from "../../graph/ops/movement_axes.ts";
import { type PadParams, padPlan } from "../../graph/ops/movement_pad.ts";
import {
  isIdentityAxis,
  type ResizeAxis,
  type ResizeParams,
  resizePlan,
} from "../../graph/ops/movement_resize.ts";
import type { Kernels } from "../../kernels/mod.ts";
import { span } from "./movement_plans.ts";

/** What building a table takes: the node, its params, the kernels and their scratch. */
export interface TableArgs<P> extends Site {
  params: P;
  kernels: Kernels;
  /** Temporary bytes valid until the node's kernel returns; returns their offset. */
  scratch(bytes: number): number;
}

/** Scratch for one map per output axis, laid end to end; returns offsets of each map. */
function mapSlots(args: TableArgs<unknown>, y: readonly number[]): number[] {
  let at = args.scratch(4 * y.reduce((a, b) => a + b, 0));
  return y.map((d) => (at += 4 * d) - 4 * d);
}

/**
 * Pad's maps, one per axis and laid end to end (an i32 per output index: the input index it
 * copies, or -1 for the constant); returns the offset of the first.
 */
export function padMaps(
  args: TableArgs<PadParams>,
  x: readonly number[],
  y: readonly number[],
  values: Values,
): number {
  const plan = padPlan(args, args.params, x.length, values)!, slots = mapSlots(args, y);
  x.forEach((d, a) => {
    const [begin, end] = [plan.begins[a], plan.ends[a]];
    args.kernels.call("movement_pad_map", args.params.mode, d, begin, end, slots[a]);
  });
  return slots[0];
}

/** Resize's axes that change anything (the rest copy straight through). */
export function resizedAxes(
  args: Site & { params: ResizeParams },
  x: readonly number[],
  values: Values,
): ResizeAxis[] {
  const plan = resizePlan(args, args.params, x, values)!;
  return plan.axes.filter((a) => !isIdentityAxis(a, x[a.axis]));
}

/**
 * Nearest Resize's maps, one per axis of `y` and laid end to end (-1 where
 * tf_crop_and_resize extrapolates); returns the offset of the first.
 */
export function nearestMaps(
  args: TableArgs<ResizeParams>,
  x: readonly number[],
  y: readonly number[],
  axes: readonly ResizeAxis[],
): number {
  const p = args.params, slots = mapSlots(args, y);
  y.forEach((out, i) => {
    const a = axes.find((r) => r.axis === i);
    if (!a) args.kernels.call("movement_pad_map", 0, out, 0, 0, slots[i]);
    else {
      const [r0, r1] = a.roi;
      args.kernels.call(
        "resize_nearest_map",
        p.coord,
        p.nearest,
        x[i],
        out,
        a.scale,
        r0,
        r1,
        slots[i],
      );
    }
  });
  return slots[0];
}

/** One separable pass of linear or cubic Resize: `[outer, inLen, inner] → [outer, outLen, inner]`. */
export interface ResizePass {
  axis: ResizeAxis;
  outer: number;
  inLen: number;
  outLen: number;
  inner: number;
  /** Elements after this pass. */
  size: number;
}

/**
 * The separable passes over `x`: shrinking axes first, then the innermost first, so the
 * later passes see the smallest tensors (both backends keep this order for equal rounding).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const axis = (a: number, outLen: number, scale: number) =>
 *   ({ axis: a, outLen, scale, roi: [0, 1] as [number, number] });
 * const passes = resizePasses([2, 4], [axis(0, 4, 2), axis(1, 2, 0.5)]);
 * assert.deepEqual(passes.map((p) => [p.axis.axis, p.size]), [[1, 4], [0, 8]]);
 * ```
 */
export function resizePasses(x: readonly number[], axes: readonly ResizeAxis[]): ResizePass[] {
  const dims = [...x];
  return [...axes].sort((a, b) => a.scale - b.scale || b.axis - a.axis).map((axis) => {
    const inLen = dims[axis.axis], outLen = axis.outLen as number;
    dims[axis.axis] = outLen;
    const [outer, inner] = [span(dims, 0, axis.axis), span(dims, axis.axis + 1)];
    return { axis, outer, inLen, outLen, inner, size: span(dims, 0) };
  });
}

/** Linear or cubic taps of one pass in scratch: `n` per output position. */
export interface Taps {
  n: number;
  /** Offset of `outLen * n` i32 input indices; a position whose first is -1 extrapolates. */
  index: number;
  /** Offset of as many f64 weights. */
  weight: number;
}

/** Taps per output position: the filter's support, widened when antialiasing a downscale. */
function tapCount(p: ResizeParams, scale: number): number {
  const s = p.antialias ? Math.min(scale, 1) : 1;
  return 2 - 2 * (Math.floor(-(p.mode === "cubic" ? 2 : 1) / s) + 1);
}

/** Writes the taps of `pass` into scratch (the kernels check the count). */
export function resizeTaps(args: TableArgs<ResizeParams>, pass: ResizePass): Taps {
  const p = args.params, a = pass.axis, n = tapCount(p, a.scale), count = pass.outLen * n;
  const taps = { n, index: args.scratch(4 * count), weight: args.scratch(8 * count) };
  const [r0, r1] = a.roi, cubic = p.mode === "cubic" ? 1 : 0;
  args.kernels.call(
    "resize_taps",
    p.coord,
    cubic,
    p.cubicA,
    +p.antialias,
    +p.excludeOutside,
    pass.inLen,
    pass.outLen,
    a.scale,
    r0,
    r1,
    n,
    taps.index,
    taps.weight,
  );
  return taps;
}
