/**
 * Resize's per-axis plans, computed on the host in f64 as ONNX's reference does: the
 * input coordinate of each output position, nearest mode's index map, and the taps
 * (indices and weights) of linear and cubic modes, antialiased or not. They are tiny
 * (output length × taps) and become lookup tables of the WebGPU kernels.
 * @module
 */
import type { ResizeAxis, ResizeParams } from "../../graph/ops/movement_resize.ts";

/** `coordinate_transformation_mode` codes, as {@linkcode ResizeParams} numbers them. */
const enum Coord {
  HalfPixel,
  HalfPixelSymmetric,
  PytorchHalfPixel,
  AlignCorners,
  Asymmetric,
  TfHalfPixelForNn,
  TfCropAndResize,
}

/** `nearest_mode` codes; `Simple` is opset 10 Resize and Upsample. */
const enum Nearest {
  RoundPreferFloor,
  RoundPreferCeil,
  Floor,
  Ceil,
  Simple,
}

/** One resized axis with its input length. */
export interface AxisPlan {
  axis: ResizeAxis;
  inLen: number;
}

/**
 * The input coordinate of output position `x`; undefined where tf_crop_and_resize falls
 * outside the input and the extrapolation value stands in.
 */
function source(coord: number, { axis, inLen }: AxisPlan, x: number): number | undefined {
  const len = inLen, out = axis.outLen as number, s = axis.scale;
  const half = (x + 0.5) / s - 0.5;
  switch (coord) {
    case Coord.HalfPixel:
      return half;
    case Coord.HalfPixelSymmetric:
      // The reference's order of operations: it decides exact halves in nearest mode.
      return len / 2 * (1 - out / (s * len)) + (x + 0.5) / s - 0.5;
    case Coord.PytorchHalfPixel:
      return out > 1 ? half : 0;
    case Coord.AlignCorners:
      return out > 1 ? x * (len - 1) / (out - 1) : 0;
    case Coord.Asymmetric:
      return x / s;
    case Coord.TfHalfPixelForNn:
      return (x + 0.5) / s;
  }
  const [a, b] = axis.roi;
  const v = out > 1
    ? a * (len - 1) + x * (b - a) * (len - 1) / (out - 1)
    : 0.5 * (a + b) * (len - 1);
  return v >= 0 && v <= len - 1 ? v : undefined;
}

/** Rounds coordinate `v` to an index as `nearest_mode` says. */
function roundNearest(v: number, mode: number, scale: number): number {
  const f = Math.floor(v), r = v - f;
  if (r === 0) return v;
  const down = (mode === Nearest.RoundPreferFloor && r <= 0.5) ||
    (mode === Nearest.RoundPreferCeil && r < 0.5) || mode === Nearest.Floor ||
    (mode === Nearest.Simple && scale >= 1);
  return down ? f : f + 1;
}

/**
 * Nearest mode's map of one axis: the input index each output position copies, or -1 to
 * extrapolate.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const axis = { axis: 0, outLen: 4, scale: 2, roi: [0, 1] as [number, number] };
 * assert.deepEqual(nearestMap({ coord: 4, nearest: 4 }, { axis, inLen: 2 }), [0, 0, 1, 1]);
 * ```
 */
export function nearestMap(p: Pick<ResizeParams, "coord" | "nearest">, a: AxisPlan): number[] {
  return Array.from({ length: a.axis.outLen as number }, (_, x) => {
    const v = source(p.coord, a, x);
    if (v === undefined) return -1;
    return Math.min(Math.max(roundNearest(v, p.nearest, a.axis.scale), 0), a.inLen - 1);
  });
}

/** The interpolation filter's weight at distance `x`. */
function weight(p: ResizeParams, x: number): number {
  x = Math.abs(x);
  const a = p.cubicA;
  if (p.mode === "linear") return Math.max(1 - x, 0);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  return x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0;
}

/** How far the filter stretches: shrinking with antialias widens it by 1/scale. */
function stretch(p: ResizeParams, scale: number): number {
  return p.antialias ? Math.min(scale, 1) : 1;
}

/** Taps per output position: the filter's support, widened when antialiasing a downscale. */
export function tapCount(p: ResizeParams, scale: number): number {
  const support = p.mode === "cubic" ? 2 : 1;
  return 2 - 2 * (Math.floor(-support / stretch(p, scale)) + 1);
}

/** Linear or cubic taps of one axis: `n` input indices and weights per output position. */
export interface Taps {
  n: number;
  /** Input indices; a position whose first index is -1 extrapolates. */
  index: Int32Array;
  weight: Float64Array;
}

/**
 * The taps of one axis. Taps outside the input clamp to its edge, or are dropped and the
 * rest renormalized with `exclude_outside`; antialias renormalizes too.
 */
export function resizeTaps(p: ResizeParams, a: AxisPlan): Taps {
  const n = tapCount(p, a.axis.scale), s = stretch(p, a.axis.scale);
  const out = a.axis.outLen as number, start = 1 - n / 2;
  const taps = { n, index: new Int32Array(out * n), weight: new Float64Array(out * n) };
  for (let x = 0; x < out; x++) {
    const v = source(p.coord, a, x);
    if (v === undefined) {
      taps.index.fill(-1, x * n, (x + 1) * n);
      continue;
    }
    // Offsets count from the input index left of `v`; an exact hit counts as ratio 1.
    let base = Math.floor(v), ratio = v - base;
    if (ratio === 0) [base, ratio] = [base - 1, 1];
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const off = start + t, at = base + off, inside = at >= 0 && at < a.inLen;
      const w = p.excludeOutside && !inside ? 0 : weight(p, (off - ratio) * s);
      taps.index[x * n + t] = Math.min(Math.max(at, 0), a.inLen - 1);
      taps.weight[x * n + t] = w;
      sum += w;
    }
    if ((p.antialias || p.excludeOutside) && sum !== 0) {
      for (let t = 0; t < n; t++) taps.weight[x * n + t] /= sum;
    }
  }
  return taps;
}
