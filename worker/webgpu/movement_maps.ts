/**
 * Gathering through one index map per axis: output position `c` of axis `a` reads input
 * index `map_a[c]`, or the fill value where any map says -1. Pad and nearest Resize build
 * their maps on the host with the WASM kernels (a few hundred integers, in arena scratch)
 * and share this kernel.
 * @module
 */
import type { PadParams } from "../../graph/ops/movement_pad.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { stridesOf } from "../ops/movement_plans.ts";
import { padMaps } from "../ops/movement_tables.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import {
  eachAxis,
  elementOf,
  flatShader,
  hostValues,
  lookupBuffer,
  movesFloats,
  pushVec4s,
  slotsFor,
  word,
} from "./movement_common.ts";

/**
 * Records `y` gathered from `x` through the maps at arena offset `maps` (one per axis of
 * `y`, laid end to end), `fill` where -1.
 */
export function gatherByMaps(
  args: GpuKernelArgs<unknown>,
  x: RuntimeTensor,
  y: RuntimeTensor,
  maps: number,
  fill: number,
): void {
  const type = elementOf(args), rank = y.dims.length, slots = slotsFor(rank);
  const pipeline = args.gpu.pipeline(`movement.maps:${type}:${slots}`, () =>
    flatShader(
      type,
      `rank: u32, fill: f32, _pad: u32,
  dims: array<vec4u, ${slots}>, xs: array<vec4u, ${slots}>, at: array<vec4u, ${slots}>`,
      [
        { name: "xs", type: `array<${type}>` },
        { name: "ys", type: `array<${type}>`, write: true },
        { name: "maps", type: "array<i32>" },
      ],
      `  var s = 0u;
  var inside = true;
${
        eachAxis(`    let m = maps[${word("at", "a")} + c];
    inside = inside && m >= 0;
    s += u32(max(m, 0)) * ${word("xs", "a")};`)
      }
  if (inside) { ys[i] = xs[s]; } else { ys[i] = ${type}(p.fill); }`,
    ));
  let total = 0;
  const starts = y.dims.map((d) => (total += d) - d);
  const table = lookupBuffer(args.gpu, new Int32Array(args.kernels.memory.buffer, maps, total));
  const params = new Params().u32(y.size).u32(rank).f32(fill).u32(0);
  pushVec4s(params, "u32", y.dims, slots);
  pushVec4s(params, "u32", stridesOf(x.dims), slots);
  pushVec4s(params, "u32", starts, slots);
  args.gpu.dispatch(pipeline, params, [x.gpu, y.gpu, table], gridFor(y.size));
  args.gpu.recycle(table);
}

/** Pad: per-axis maps from the plan; constant_value from input 2 or the attribute. */
function pad(args: GpuKernelArgs<PadParams>): void {
  const x = args.inputs[0]!, y = args.outputs[0], values = hostValues(args);
  const maps = padMaps(args, x.dims, y.dims, values);
  gatherByMaps(args, x, y, maps, values(2)?.[0] ?? args.params.value);
}

/** Pad's kernel; pads, constant_value and axes stay on the host. */
export const PAD_GPU_KERNEL: GpuKernel<PadParams> = {
  hostInputs: [1, 2, 3],
  supports: movesFloats,
  run: pad,
};
