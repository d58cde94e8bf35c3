/**
 * WebGPU movement ops that are strided walks: Transpose, Slice, Concat, Split, Expand,
 * Tile, DepthToSpace and SpaceToDepth, each the walks {@linkcode WALK_PLANS} plans,
 * recorded with the one strided-copy kernel.
 * @module
 */
import { WALK_PLANS, type WalkPlanner } from "../ops/movement_plans.ts";
import type { GpuKernel, GpuKernelTable } from "./kernel.ts";
import { hostValues, movesFloats } from "./movement_common.ts";
import { copyWalk } from "./movement_walk.ts";

/**
 * The kernel recording every walk `planner` plans; the shape-like inputs it reads (Slice's
 * starts…steps, Split's sizes, Expand's shape, Tile's repeats) stay on the host.
 */
function walker(planner: WalkPlanner<never>): GpuKernel<never> {
  return {
    hostInputs: planner.reads,
    supports: movesFloats,
    run(args) {
      for (const c of planner.plan(args, hostValues(args))) {
        copyWalk(args, args.inputs[c.from]!, args.outputs[c.to], c.walk);
      }
    },
  };
}

const KERNELS = Object.fromEntries(
  Object.entries(WALK_PLANS).map(([op, p]) => [op, walker(p)]),
);

/** Kernels of the walking ops; Concat also needs every input of one type. */
export const LAYOUT_GPU_KERNELS: GpuKernelTable = {
  ...KERNELS,
  Concat: {
    ...KERNELS.Concat,
    supports: (q) => movesFloats(q) && q.inputs.every((i) => i?.dtype === q.inputs[0]?.dtype),
  },
};
