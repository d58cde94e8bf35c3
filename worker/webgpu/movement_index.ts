/**
 * Gather and GatherElements on WebGPU: float data and int32 or int64 indices on the
 * device. An int64 index is a pair of u32 words whose low word, read as i32, is the value
 * (indices address a buffer, so they fit); negative indices count from the end.
 * @module
 */
import { resolveAxis } from "../../graph/ops/movement_axes.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { span, stridesOf } from "../ops/movement_plans.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs, GpuKernelTable, GpuSupportQuery } from "./kernel.ts";
import {
  eachAxis,
  elementOf,
  flatShader,
  movesFloats,
  pushVec4s,
  slotsFor,
  word,
} from "./movement_common.ts";

/** Whether the data is float and the indices int32 or int64. */
function supportsIndexOp(q: GpuSupportQuery<unknown>): boolean {
  const idx = q.inputs[1]?.dtype;
  return movesFloats(q) && (idx === "int32" || idx === "int64");
}

/** u32 words per index: two for int64. */
function wordsPerIndex(idx: RuntimeTensor): number {
  return idx.dtype === "int64" ? 2 : 1;
}

/**
 * WGSL resolving index word `slot` against an axis of `len` into `at`: wrapped, then
 * clamped in range.
 */
function indexAt(slot: string, len: string): string {
  return `let v = idx[${slot}];
  let at = u32(clamp(select(v, v + i32(${len}), v < 0), 0, i32(${len}) - 1));`;
}

const BINDINGS = (type: string) => [
  { name: "xs", type: `array<${type}>` },
  { name: "idx", type: "array<i32>" },
  { name: "ys", type: `array<${type}>`, write: true },
];

/** Gather: `y[o, j, i] = x[o, idx[j], i]` over the flattened outer, index and inner dims. */
function gather(args: GpuKernelArgs<number>): void {
  const [x, idx] = args.inputs as RuntimeTensor[], y = args.outputs[0];
  const axis = resolveAxis(args, args.params, x.dims.length);
  const type = elementOf(args);
  const pipeline = args.gpu.pipeline(
    `movement.gather:${type}`,
    () =>
      flatShader(
        type,
        "len: u32, inner: u32, count: u32, wide: u32",
        BINDINGS(type),
        `  let ii = i % p.inner;
  let t = i / p.inner;
  ${indexAt("(t % p.count) * p.wide", "p.len")}
  ys[i] = xs[((t / p.count) * p.len + at) * p.inner + ii];`,
      ),
  );
  const params = new Params().u32(y.size).u32(x.dims[axis]).u32(span(x.dims, axis + 1))
    .u32(idx.size).u32(wordsPerIndex(idx));
  args.gpu.dispatch(pipeline, params, [x.gpu, idx.gpu, y.gpu], gridFor(y.size));
}

/** GatherElements: each output takes its own coordinates, the axis one read from `idx`. */
function gatherElements(args: GpuKernelArgs<{ axis: number }>): void {
  const [x, idx] = args.inputs as RuntimeTensor[], y = args.outputs[0];
  const rank = x.dims.length, axis = resolveAxis(args, args.params.axis, rank);
  const type = elementOf(args), slots = slotsFor(rank);
  const pipeline = args.gpu.pipeline(`movement.gather_elements:${type}:${slots}`, () =>
    flatShader(
      type,
      `rank: u32, axis: u32, wide: u32, len: u32, _a: u32, _b: u32, _c: u32,
  dims: array<vec4u, ${slots}>, strides: array<vec4u, ${slots}>`,
      BINDINGS(type),
      `  var s = 0u;
${
        eachAxis(`    if (a == p.axis) {
      ${indexAt("i * p.wide", "p.len")}
      c = at;
    }
    s += c * ${word("strides", "a")};`)
      }
  ys[i] = xs[s];`,
    ));
  const params = new Params().u32(y.size).u32(rank).u32(axis).u32(wordsPerIndex(idx))
    .u32(x.dims[axis]).u32(0).u32(0).u32(0);
  pushVec4s(params, "u32", idx.dims, slots);
  pushVec4s(params, "u32", stridesOf(x.dims), slots);
  args.gpu.dispatch(pipeline, params, [x.gpu, idx.gpu, y.gpu], gridFor(y.size));
}

/** Kernels of the index ops; the indices stay on the device. */
export const INDEX_GPU_KERNELS: GpuKernelTable = {
  Gather: { supports: supportsIndexOp, run: gather } satisfies GpuKernel<number>,
  GatherElements: {
    supports: supportsIndexOp,
    run: gatherElements,
  } satisfies GpuKernel<{ axis: number }>,
};
