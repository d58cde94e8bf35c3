/**
 * Resize and Upsample on WebGPU. Nearest mode gathers through per-axis index maps. Linear
 * and cubic run one separable pass per resized axis, each output a weighted sum of its
 * taps along that axis; passes between the first and last keep f32, as the WASM kernels do.
 * @module
 */
import { isIdentityAxis, type ResizeParams, resizePlan } from "../../graph/ops/movement_resize.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { span } from "../ops/movement_walk.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { elementOf, flatShader, hostValues, lookupBuffer, movesFloats } from "./movement_common.ts";
import { gatherByMaps, padMap } from "./movement_maps.ts";
import { type AxisPlan, nearestMap, resizeTaps } from "./movement_taps.ts";
import { copyWalk } from "./movement_walk.ts";
import type { WgslFloat } from "./wgsl.ts";

function resize(args: GpuKernelArgs<ResizeParams>): void {
  const x = args.inputs[0]!;
  const plan = resizePlan(args, args.params, x.dims, hostValues(args))!;
  const axes = plan.axes.filter((a) => !isIdentityAxis(a, x.dims[a.axis]))
    .map((axis): AxisPlan => ({ axis, inLen: x.dims[axis.axis] }));
  if (args.params.mode === "nearest") nearest(args, x, axes);
  else if (axes.length === 0) {
    copyWalk(args, x, args.outputs[0], {
      srcOffset: 0,
      dstOffset: 0,
      dims: [x.size],
      srcStrides: [1],
      dstStrides: [1],
    });
  } else interpolate(args, x, axes);
}

function nearest(args: GpuKernelArgs<ResizeParams>, x: RuntimeTensor, axes: AxisPlan[]): void {
  const y = args.outputs[0], p = args.params;
  const maps = y.dims.map((out, i) => {
    const a = axes.find((r) => r.axis.axis === i);
    return a ? nearestMap(p, a) : padMap(0, out, 0, 0);
  });
  gatherByMaps(args, x, y, maps, p.extrapolation);
}

/**
 * The order of the separable passes: shrinking axes first, then the innermost first, so
 * later passes see the smallest tensors (the WASM kernels' order, for equal rounding).
 */
function passOrder(axes: readonly AxisPlan[]): AxisPlan[] {
  return [...axes].sort((a, b) => a.axis.scale - b.axis.scale || b.axis.axis - a.axis.axis);
}

function interpolate(args: GpuKernelArgs<ResizeParams>, x: RuntimeTensor, axes: AxisPlan[]) {
  const y = args.outputs[0], gpu = args.gpu, type = elementOf(args);
  const dims = [...x.dims];
  let src = x.gpu, srcType = type;
  passOrder(axes).forEach((a, i) => {
    const last = i === axes.length - 1, inLen = dims[a.axis.axis];
    const inner = span(dims, a.axis.axis + 1);
    dims[a.axis.axis] = a.axis.outLen as number;
    const size = span(dims, 0);
    const dst = last ? y.gpu : gpu.acquire(size * 4);
    const dstType: WgslFloat = last ? type : "f32";
    pass(args, a, { src, dst, srcType, dstType, size, inLen, inner });
    if (src !== x.gpu) gpu.recycle(src);
    [src, srcType] = [dst, dstType];
  });
}

/** One pass's buffers, their element types and its `[outer, inLen → outLen, inner]` shape. */
interface Pass {
  src: GPUBuffer;
  dst: GPUBuffer;
  srcType: WgslFloat;
  dstType: WgslFloat;
  size: number;
  inLen: number;
  inner: number;
}

/** Records one separable pass along `a`; taps go up as i32 indices, then f32 weights. */
function pass(args: GpuKernelArgs<ResizeParams>, a: AxisPlan, s: Pass): void {
  const taps = resizeTaps(args.params, a), count = taps.index.length;
  const table = new Int32Array(2 * count);
  table.set(taps.index);
  new Float32Array(table.buffer, 4 * count).set(taps.weight);
  const both = s.srcType === "f16" || s.dstType === "f16" ? "f16" : "f32";
  const pipeline = args.gpu.pipeline(`movement.resize:${s.srcType}:${s.dstType}`, () =>
    flatShader(
      both,
      "in_len: u32, inner: u32, out_len: u32, taps: u32, extrapolation: f32",
      [
        { name: "xs", type: `array<${s.srcType}>` },
        { name: "ys", type: `array<${s.dstType}>`, write: true },
        { name: "tw", type: "array<i32>" },
      ],
      `  let ii = i % p.inner;
  let t = i / p.inner;
  let j = t % p.out_len;
  let row = (t / p.out_len) * p.in_len;
  let at = j * p.taps;
  if (tw[at] < 0) {
    ys[i] = ${s.dstType}(p.extrapolation);
    return;
  }
  let weights = p.out_len * p.taps;
  var acc = 0.0;
  for (var k = 0u; k < p.taps; k++) {
    let w = bitcast<f32>(tw[weights + at + k]);
    acc += w * f32(xs[(row + u32(tw[at + k])) * p.inner + ii]);
  }
  ys[i] = ${s.dstType}(acc);`,
    ));
  const buffer = lookupBuffer(args.gpu, table);
  const params = new Params().u32(s.size).u32(s.inLen).u32(s.inner)
    .u32(a.axis.outLen as number).u32(taps.n).f32(args.params.extrapolation);
  args.gpu.dispatch(pipeline, params, [s.src, s.dst, buffer], gridFor(s.size));
  args.gpu.recycle(buffer);
}

/** Resize's and Upsample's kernel; roi, scales and sizes stay on the host. */
export const RESIZE_GPU_KERNEL: GpuKernel<ResizeParams> = {
  hostInputs: [1, 2, 3],
  supports: movesFloats,
  run: resize,
};
