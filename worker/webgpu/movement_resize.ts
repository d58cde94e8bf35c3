/**
 * Resize and Upsample on WebGPU. Nearest mode gathers through per-axis index maps. Linear
 * and cubic run one separable pass per resized axis, each output a weighted sum of its
 * taps along that axis; passes between the first and last keep f32, as the WASM kernels do.
 * @module
 */
import type { ResizeAxis, ResizeParams } from "../../graph/ops/movement_resize.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { flatWalk } from "../ops/movement_plans.ts";
import {
  nearestMaps,
  resizedAxes,
  type ResizePass,
  resizePasses,
  resizeTaps,
} from "../ops/movement_tables.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { elementOf, flatShader, hostValues, lookupBuffer, movesFloats } from "./movement_common.ts";
import { gatherByMaps } from "./movement_maps.ts";
import { copyWalk } from "./movement_walk.ts";
import type { WgslFloat } from "./wgsl.ts";

function resize(args: GpuKernelArgs<ResizeParams>): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const axes = resizedAxes(args, x.dims, hostValues(args));
  if (args.params.mode === "nearest") {
    gatherByMaps(args, x, y, nearestMaps(args, x.dims, y.dims, axes), args.params.extrapolation);
  } else if (axes.length === 0) copyWalk(args, x, y, flatWalk(x.size));
  else interpolate(args, x, axes);
}

function interpolate(args: GpuKernelArgs<ResizeParams>, x: RuntimeTensor, axes: ResizeAxis[]) {
  const y = args.outputs[0], gpu = args.gpu, type = elementOf(args);
  let src = x.gpu, srcType = type;
  resizePasses(x.dims, axes).forEach((s, i) => {
    const last = i === axes.length - 1;
    const dst = last ? y.gpu : gpu.acquire(s.size * 4);
    const dstType: WgslFloat = last ? type : "f32";
    pass(args, s, { src, dst, srcType, dstType });
    if (src !== x.gpu) gpu.recycle(src);
    [src, srcType] = [dst, dstType];
  });
}

/** One pass's buffers and their element types. */
interface PassBuffers {
  src: GPUBuffer;
  dst: GPUBuffer;
  srcType: WgslFloat;
  dstType: WgslFloat;
}

/** Records one separable pass; taps go up as i32 indices, then f32 weights. */
function pass(args: GpuKernelArgs<ResizeParams>, r: ResizePass, s: PassBuffers): void {
  const taps = resizeTaps(args, r), count = r.outLen * taps.n, memory = args.kernels.memory;
  const table = new Int32Array(2 * count);
  table.set(new Int32Array(memory.buffer, taps.index, count));
  new Float32Array(table.buffer, 4 * count).set(
    new Float64Array(memory.buffer, taps.weight, count),
  );
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
  const params = new Params().u32(r.size).u32(r.inLen).u32(r.inner).u32(r.outLen).u32(taps.n)
    .f32(args.params.extrapolation);
  args.gpu.dispatch(pipeline, params, [s.src, s.dst, buffer], gridFor(r.size));
  args.gpu.recycle(buffer);
}

/** Resize's and Upsample's kernel; roi, scales and sizes stay on the host. */
export const RESIZE_GPU_KERNEL: GpuKernel<ResizeParams> = {
  hostInputs: [1, 2, 3],
  supports: movesFloats,
  run: resize,
};
