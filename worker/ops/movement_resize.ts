/**
 * Resize and Upsample bindings. Nearest mode gathers through one index map per axis
 * (any element type). Linear and cubic resize one axis at a time in f32 (f64 for types
 * other than float32 and float16), converting in and out when the tensor has another type.
 * @module
 */
import { type DType, dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import {
  isIdentityAxis,
  type ResizeAxis,
  type ResizeParams,
  resizePlan,
} from "../../graph/ops/movement_resize.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { copyWalk, gatherByMaps, runtimeValues, scalarOf, span } from "./movement_walk.ts";

/** Types interpolated in f32; the rest use f64, so integer results round as ONNX's reference. */
const NARROW = new Set<DType>(["float32", "float16"]);

function resize(args: KernelArgs<ResizeParams>): void {
  const x = args.inputs[0]!;
  const plan = resizePlan(args, args.params, x.dims, runtimeValues(args))!;
  const axes = plan.axes.filter((a) => !isIdentityAxis(a, x.dims[a.axis]));
  if (args.params.mode === "nearest") nearest(args, x, axes);
  else interpolate(args, x, axes);
}

function nearest(args: KernelArgs<ResizeParams>, x: RuntimeTensor, axes: ResizeAxis[]): void {
  const y = args.outputs[0], p = args.params;
  const maps = args.scratch(4 * y.dims.reduce((a, b) => a + b, 0));
  let at = maps;
  y.dims.forEach((out, i) => {
    const a = axes.find((r) => r.axis === i);
    if (a) {
      const [r0, r1] = a.roi;
      args.kernels.call(
        "resize_nearest_map",
        p.coord,
        p.nearest,
        x.dims[i],
        out,
        a.scale,
        r0,
        r1,
        at,
      );
    } else {
      args.kernels.call("movement_pad_map", 0, out, 0, 0, at);
    }
    at += 4 * out;
  });
  gatherByMaps(args, x, y, maps, scalarOf(args, y.dtype, p.extrapolation));
}

/**
 * Taps per output position. Mirrors the kernels' count (which checks it): the filter's
 * support, widened by 1/scale when antialiasing a downscale.
 */
function tapCount(p: ResizeParams, scale: number): number {
  const s = p.antialias ? Math.min(scale, 1) : 1;
  return 2 - 2 * (Math.floor(-(p.mode === "cubic" ? 2 : 1) / s) + 1);
}

/**
 * The order of the separable passes: shrinking axes first, then the innermost first, so
 * the scalar pass along the last axis runs while the tensor is smallest.
 */
function passOrder(axes: readonly ResizeAxis[]): ResizeAxis[] {
  return [...axes].sort((a, b) => a.scale - b.scale || b.axis - a.axis);
}

function interpolate(args: KernelArgs<ResizeParams>, x: RuntimeTensor, axes: ResizeAxis[]): void {
  const y = args.outputs[0], p = args.params, k = args.kernels;
  if (axes.length === 0) {
    copyWalk(args, x, y, {
      srcOffset: 0,
      dstOffset: 0,
      dims: [x.size],
      srcStrides: [1],
      dstStrides: [1],
    });
    return;
  }
  const real: DType = NARROW.has(x.dtype) ? "float32" : "float64";
  const code = dtypeToOnnx(x.dtype), rc = dtypeToOnnx(real), rb = dtypeBytes(real);
  let cur = x.ptr;
  if (x.dtype !== real) {
    cur = args.scratch(x.size * rb);
    k.call("resize_load", code, rc, x.ptr, cur, x.size);
  }
  const dims = [...x.dims];
  passOrder(axes).forEach((a, i) => {
    const [inLen, outLen] = [dims[a.axis], a.outLen as number];
    const n = tapCount(p, a.scale), taps = outLen * n;
    const idx = args.scratch(4 * taps), w = args.scratch(8 * taps);
    const cubic = p.mode === "cubic" ? 1 : 0, [r0, r1] = a.roi;
    k.call(
      "resize_taps",
      p.coord,
      cubic,
      p.cubicA,
      +p.antialias,
      +p.excludeOutside,
      inLen,
      outLen,
      a.scale,
      r0,
      r1,
      n,
      idx,
      w,
    );
    const [outer, inner] = [span(dims, 0, a.axis), span(dims, a.axis + 1)];
    dims[a.axis] = outLen;
    const last = i === axes.length - 1 && y.dtype === real;
    const next = last ? y.ptr : args.scratch(span(dims, 0) * rb);
    k.call("resize_apply", rc, cur, next, outer, inLen, inner, outLen, n, idx, w, p.extrapolation);
    cur = next;
  });
  if (y.dtype !== real) k.call("resize_store", rc, code, cur, y.ptr, y.size);
}

/** Bindings of Resize and Upsample. */
export const RESIZE_KERNELS: KernelTable = { Resize: resize, Upsample: resize };
