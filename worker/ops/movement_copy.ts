/**
 * Bindings of the copying movement ops: the layout ops run the strided walks that
 * {@linkcode WALK_PLANS} plans, Pad gathers through per-axis index maps, Trilu masks.
 * @module
 */
import { dtypeBytes } from "../../graph/dtype.ts";
import type { PadParams } from "../../graph/ops/movement_pad.ts";
import type { KernelArgs, KernelTable, WasmKernel } from "./kernel.ts";
import { WALK_PLANS, type WalkPlanner } from "./movement_plans.ts";
import { padMaps } from "./movement_tables.ts";
import { copyWalk, gatherByMaps, runtimeValues, scalarOf } from "./movement_walk.ts";

/** The binding running every walk `planner` plans with the `movement_copy` kernel. */
function walking(planner: WalkPlanner<never>): WasmKernel<never> {
  return (args) => {
    for (const c of planner.plan(args, runtimeValues(args))) {
      copyWalk(args, args.inputs[c.from]!, args.outputs[c.to], c.walk);
    }
  };
}

/** Pad through one index map per axis; -1 entries take the constant. */
function pad(args: KernelArgs<PadParams>): void {
  const x = args.inputs[0]!, y = args.outputs[0], value = args.inputs[2];
  const maps = padMaps(args, x.dims, y.dims, runtimeValues(args));
  const fill = value && value.size > 0 ? value.ptr : scalarOf(args, y.dtype, args.params.value);
  gatherByMaps(args, x, y, maps, fill);
}

function trilu(args: KernelArgs<boolean>): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const [rows, cols] = x.dims.slice(-2);
  const k = runtimeValues(args)(1)?.[0] ?? 0;
  // Past either corner every row keeps all or nothing: clamping keeps k within i32.
  const kk = Math.min(Math.max(k, -rows - 1), cols + 1);
  args.kernels.call(
    "movement_trilu",
    dtypeBytes(x.dtype),
    x.ptr,
    y.ptr,
    x.size,
    rows,
    cols,
    kk,
    args.params ? 1 : 0,
  );
}

/** Bindings of the copying movement ops. */
export const COPY_KERNELS: KernelTable = {
  ...Object.fromEntries(Object.entries(WALK_PLANS).map(([op, p]) => [op, walking(p)])),
  Pad: pad,
  Trilu: trilu,
};
