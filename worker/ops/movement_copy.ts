/**
 * Bindings of the copying movement ops: each plans one or more strided walks (or, for
 * Pad, per-axis index maps) and leaves the moving to the byte-width kernels.
 * @module
 */
import { dtypeBytes } from "../../graph/dtype.ts";
import { resolveAxis } from "../../graph/ops/movement_axes.ts";
import { type BlockParams } from "../../graph/ops/movement_blocks.ts";
import { type PadParams, padPlan } from "../../graph/ops/movement_pad.ts";
import {
  type SliceAttrs,
  slicePlan,
  type SplitParams,
  transposePerm,
} from "../../graph/ops/movement_layout.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import {
  copyWalk,
  gatherByMaps,
  permuteCopy,
  runtimeValues,
  scalarOf,
  stridesOf,
} from "./movement_walk.ts";

function transpose(args: KernelArgs<number[] | undefined>): void {
  const x = args.inputs[0]!;
  permuteCopy(args, x, args.outputs[0], x.dims, transposePerm(args, args.params, x.dims.length));
}

function slice(args: KernelArgs<SliceAttrs | undefined>): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const plan = slicePlan(args, args.params, x.dims, runtimeValues(args))!;
  const s = stridesOf(x.dims);
  copyWalk(args, x, y, {
    srcOffset: plan.starts.reduce((acc, start, a) => acc + start * s[a], 0),
    dstOffset: 0,
    dims: y.dims,
    srcStrides: s.map((v, a) => v * plan.steps[a]),
    dstStrides: stridesOf(y.dims),
  });
}

/** Broadcasts `x` (aligned to the right) over `y`'s dims with zero strides. */
function expand(args: KernelArgs): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const s = stridesOf(x.dims), lead = y.dims.length - x.dims.length;
  copyWalk(args, x, y, {
    srcOffset: 0,
    dstOffset: 0,
    dims: y.dims,
    srcStrides: y.dims.map((_, i) => (i < lead || x.dims[i - lead] === 1 ? 0 : s[i - lead])),
    dstStrides: stridesOf(y.dims),
  });
}

/** Each axis of `x` becomes a (repeat, dim) pair: the repeat reads with stride 0. */
function tile(args: KernelArgs): void {
  const x = args.inputs[0]!, y = args.outputs[0];
  const s = stridesOf(x.dims), o = stridesOf(y.dims);
  copyWalk(args, x, y, {
    srcOffset: 0,
    dstOffset: 0,
    dims: x.dims.flatMap((d, a) => [y.dims[a] / d, d]),
    srcStrides: s.flatMap((v) => [0, v]),
    dstStrides: o.flatMap((v, a) => [v * x.dims[a], v]),
  });
}

function concat(args: KernelArgs<number>): void {
  const y = args.outputs[0], o = stridesOf(y.dims);
  const axis = resolveAxis(args, args.params, y.dims.length);
  let at = 0;
  for (const x of args.inputs) {
    copyWalk(args, x!, y, {
      srcOffset: 0,
      dstOffset: at * o[axis],
      dims: x!.dims,
      srcStrides: stridesOf(x!.dims),
      dstStrides: o,
    });
    at += x!.dims[axis];
  }
}

function split(args: KernelArgs<SplitParams>): void {
  const x = args.inputs[0]!, s = stridesOf(x.dims);
  const axis = resolveAxis(args, args.params.axis, x.dims.length);
  let at = 0;
  for (const y of args.outputs) {
    copyWalk(args, x, y, {
      srcOffset: at * s[axis],
      dstOffset: 0,
      dims: y.dims,
      srcStrides: s,
      dstStrides: stridesOf(y.dims),
    });
    at += y.dims[axis];
  }
}

/** Pad through one index map per axis; -1 entries take the constant. */
function pad(args: KernelArgs<PadParams>): void {
  const x = args.inputs[0]!, y = args.outputs[0], value = args.inputs[2];
  const plan = padPlan(args, args.params, x.dims.length, runtimeValues(args))!;
  const maps = args.scratch(4 * y.dims.reduce((a, b) => a + b, 0));
  let at = maps;
  x.dims.forEach((d, a) => {
    args.kernels.call("movement_pad_map", args.params.mode, d, plan.begins[a], plan.ends[a], at);
    at += 4 * y.dims[a];
  });
  const fill = value && value.size > 0 ? value.ptr : scalarOf(args, y.dtype, args.params.value);
  gatherByMaps(args, x, y, maps, fill);
}

/** DepthToSpace: NCHW viewed as 6-D blocks, then transposed. */
function depthToSpace(args: KernelArgs<BlockParams>): void {
  const x = args.inputs[0]!, b = args.params.block, [n, c, h, w] = x.dims;
  const view = args.params.crd ? [n, c / (b * b), b, b, h, w] : [n, b, b, c / (b * b), h, w];
  const perm = args.params.crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2];
  permuteCopy(args, x, args.outputs[0], view, perm);
}

/** SpaceToDepth: the inverse view and permutation of DepthToSpace. */
function spaceToDepth(args: KernelArgs<BlockParams>): void {
  const x = args.inputs[0]!, b = args.params.block, [n, c, h, w] = x.dims;
  const perm = args.params.crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4];
  permuteCopy(args, x, args.outputs[0], [n, c, h / b, b, w / b, b], perm);
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
  Transpose: transpose,
  Slice: slice,
  Expand: expand,
  Tile: tile,
  Concat: concat,
  Split: split,
  Pad: pad,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  Trilu: trilu,
};
