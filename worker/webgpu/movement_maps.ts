/**
 * Gathering through one index map per axis: output position `c` of axis `a` reads input
 * index `map_a[c]`, or the fill value where any map says -1. Pad and nearest Resize plan
 * their maps on the host (a few hundred integers) and share this kernel.
 * @module
 */
import { type PadParams, padPlan } from "../../graph/ops/movement_pad.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { stridesOf } from "../ops/movement_walk.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import {
  elementOf,
  flatShader,
  hostValues,
  lookupBuffer,
  movesFloats,
  pushVec4s,
  slotsFor,
  word,
} from "./movement_common.ts";

/** Pad's modes, numbered as {@linkcode PadParams} numbers them. */
const enum PadMode {
  Constant,
  Reflect,
  Edge,
  Wrap,
}

/** `a mod b` in [0, b). */
function euclid(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * The map of one padded axis of `len`: for each output position, the input index it
 * copies, or -1 for the constant. Negative pads crop first; the modes see the rest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(padMap(1, 3, 2, 1), [2, 1, 0, 1, 2, 1]);
 * assert.deepEqual(padMap(0, 3, -1, 1), [1, 2, -1]);
 * ```
 */
export function padMap(mode: number, len: number, begin: number, end: number): number[] {
  const crop = Math.max(0, -begin), kept = len - crop - Math.max(0, -end);
  const lead = Math.max(0, begin);
  return Array.from({ length: len + begin + end }, (_, j) => {
    const r = j - lead;
    let m: number;
    if (mode === PadMode.Constant) m = r >= 0 && r < kept ? r : -1;
    else if (mode === PadMode.Edge) m = Math.min(Math.max(r, 0), kept - 1);
    else if (mode === PadMode.Wrap) m = euclid(r, kept);
    else if (kept === 1) m = 0;
    else {
      const period = 2 * (kept - 1), q = euclid(r, period);
      m = q < kept ? q : period - q;
    }
    return m < 0 ? -1 : m + crop;
  });
}

/** Records `y` gathered from `x` through `maps` (one per axis of `y`), `fill` where -1. */
export function gatherByMaps(
  args: GpuKernelArgs<unknown>,
  x: RuntimeTensor,
  y: RuntimeTensor,
  maps: readonly (readonly number[])[],
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
      `  var r = i;
  var s = 0u;
  var inside = true;
  for (var k = p.rank; k > 0u; k--) {
    let a = k - 1u;
    let len = ${word("dims", "a")};
    let m = maps[${word("at", "a")} + r % len];
    r = r / len;
    inside = inside && m >= 0;
    s += u32(max(m, 0)) * ${word("xs", "a")};
  }
  if (inside) { ys[i] = xs[s]; } else { ys[i] = ${type}(p.fill); }`,
    ));
  const starts = maps.map((_, a) => maps.slice(0, a).reduce((n, m) => n + m.length, 0));
  const table = lookupBuffer(args.gpu, Int32Array.from(maps.flat()));
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
  const plan = padPlan(args, args.params, x.dims.length, values)!;
  const maps = x.dims.map((d, a) => padMap(args.params.mode, d, plan.begins[a], plan.ends[a]));
  gatherByMaps(args, x, y, maps, values(2)?.[0] ?? args.params.value);
}

/** Pad's kernel; pads, constant_value and axes stay on the host. */
export const PAD_GPU_KERNEL: GpuKernel<PadParams> = {
  hostInputs: [1, 2, 3],
  supports: movesFloats,
  run: pad,
};
