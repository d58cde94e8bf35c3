/**
 * Resize and Upsample bindings. Nearest mode gathers through one index map per axis
 * (any element type). Linear and cubic resize one axis at a time in f32 (f64 for types
 * other than float32 and float16), converting in and out when the tensor has another type.
 * @module
 */
import { type DType, dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import type { ResizeAxis, ResizeParams } from "../../graph/ops/movement_resize.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { flatWalk } from "./movement_plans.ts";
import { nearestMaps, resizedAxes, resizePasses, resizeTaps } from "./movement_tables.ts";
import { copyWalk, gatherByMaps, runtimeValues, scalarOf } from "./movement_walk.ts";

/** Types interpolated in f32; the rest use f64, so integer results round as ONNX's reference. */
const NARROW = new Set<DType>(["float32", "float16"]);

function resize(args: KernelArgs<ResizeParams>): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const axes = resizedAxes(args, x.dims, runtimeValues(args));
  if (args.params.mode === "nearest") {
    const maps = nearestMaps(args, x.dims, y.dims, axes);
    gatherByMaps(args, x, y, maps, scalarOf(args, y.dtype, args.params.extrapolation));
  } else if (axes.length === 0) copyWalk(args, x, y, flatWalk(x.size));
  else interpolate(args, x, axes);
}

function interpolate(args: KernelArgs<ResizeParams>, x: RuntimeTensor, axes: ResizeAxis[]): void {
  const y = args.outputs[0], p = args.params, k = args.kernels;
  const real: DType = NARROW.has(x.dtype) ? "float32" : "float64";
  const code = dtypeToOnnx(x.dtype), rc = dtypeToOnnx(real), rb = dtypeBytes(real);
  let cur = x.ptr;
  if (x.dtype !== real) {
    cur = args.scratch(x.size * rb);
    k.call("resize_load", code, rc, x.ptr, cur, x.size);
  }
  resizePasses(x.dims, axes).forEach((s, i) => {
    const { n, index, weight } = resizeTaps(args, s);
    const last = i === axes.length - 1 && y.dtype === real;
    const next = last ? y.ptr : args.scratch(s.size * rb);
    const shape = [s.outer, s.inLen, s.inner, s.outLen];
    k.call("resize_apply", rc, cur, next, ...shape, n, index, weight, p.extrapolation);
    cur = next;
  });
  if (y.dtype !== real) k.call("resize_store", rc, code, cur, y.ptr, y.size);
}

/** Bindings of Resize and Upsample. */
export const RESIZE_KERNELS: KernelTable = { Resize: resize, Upsample: resize };
