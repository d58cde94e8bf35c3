/**
 * WebGPU movement ops that are strided walks: Transpose, Slice, Concat, Split, Expand,
 * Tile, DepthToSpace and SpaceToDepth, all recorded with the one strided-copy kernel.
 * @module
 */
import { resolveAxis } from "../../graph/ops/movement_axes.ts";
import type { BlockParams } from "../../graph/ops/movement_blocks.ts";
import {
  type SliceAttrs,
  slicePlan,
  type SplitParams,
  transposePerm,
} from "../../graph/ops/movement_layout.ts";
import type { StridedCopy } from "../ops/movement_walk.ts";
import type { GpuKernel, GpuKernelArgs, GpuKernelTable } from "./kernel.ts";
import { hostValues, movesFloats } from "./movement_common.ts";
import {
  concatWalks,
  depthToSpaceWalk,
  expandWalk,
  permuteWalk,
  sliceWalk,
  spaceToDepthWalk,
  splitWalks,
  tileWalk,
} from "./movement_plans.ts";
import { copyWalk } from "./movement_walk.ts";

/**
 * A kernel copying input 0 to output 0 along the walk `plan` gives; `hostInputs` are the
 * shape-like inputs the shape rule reads.
 */
function walker<P>(
  plan: (args: GpuKernelArgs<P>, x: readonly number[], y: readonly number[]) => StridedCopy,
  hostInputs?: number[],
): GpuKernel<P> {
  return {
    hostInputs,
    supports: movesFloats,
    run(args) {
      const x = args.inputs[0]!, y = args.outputs[0];
      copyWalk(args, x, y, plan(args, x.dims, y.dims));
    },
  };
}

/** One walk per input, writing its slab of the output. */
function concat(args: GpuKernelArgs<number>): void {
  const y = args.outputs[0], xs = args.inputs.map((x) => x!);
  const axis = resolveAxis(args, args.params, y.dims.length);
  concatWalks(xs.map((x) => x.dims), y.dims, axis).forEach((w, i) => copyWalk(args, xs[i], y, w));
}

/** One walk per output, reading its slab of the input. */
function split(args: GpuKernelArgs<SplitParams>): void {
  const x = args.inputs[0]!, ys = args.outputs;
  const axis = resolveAxis(args, args.params.axis, x.dims.length);
  splitWalks(x.dims, ys.map((y) => y.dims), axis).forEach((w, i) => copyWalk(args, x, ys[i], w));
}

/**
 * Kernels of the walking ops. Shape-like inputs (Slice's starts…steps, Split's sizes,
 * Expand's shape, Tile's repeats) stay on the host, where the shape rules read them.
 */
export const LAYOUT_GPU_KERNELS: GpuKernelTable = {
  Transpose: walker<number[] | undefined>((a, x) =>
    permuteWalk(x, transposePerm(a, a.params, x.length))
  ),
  Slice: walker<SliceAttrs | undefined>(
    (a, x, y) => sliceWalk(x, y, slicePlan(a, a.params, x, hostValues(a))!),
    [1, 2, 3, 4],
  ),
  Expand: walker((_, x, y) => expandWalk(x, y), [1]),
  Tile: walker((_, x, y) => tileWalk(x, y), [1]),
  DepthToSpace: walker<BlockParams>((a, x) => depthToSpaceWalk(x, a.params.block, a.params.crd)),
  SpaceToDepth: walker<BlockParams>((a, x) => spaceToDepthWalk(x, a.params.block, a.params.crd)),
  Concat: {
    supports: (q) => movesFloats(q) && q.inputs.every((i) => i?.dtype === q.inputs[0]?.dtype),
    run: concat,
  },
  Split: { hostInputs: [1], supports: movesFloats, run: split },
};
