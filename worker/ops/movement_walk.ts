/**
 * What the WASM movement bindings share: the strided-copy call, reading shape-like inputs
 * at run time, placing a scalar for fills and gathering through index maps.
 * @module
 */
import { type DType, dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import { decodeValues, type Values } from "../../graph/ops/movement_axes.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";
import type { StridedCopy } from "./movement_plans.ts";

/** Copies the elements a strided walk visits from `src` to `dst` (the same type). */
export function copyWalk(
  args: KernelArgs<unknown>,
  src: RuntimeTensor,
  dst: RuntimeTensor,
  w: StridedCopy,
): void {
  const walk = args.i32s([...w.dims, ...w.srcStrides, ...w.dstStrides]);
  args.kernels.call(
    "movement_copy",
    dtypeBytes(src.dtype),
    src.ptr,
    src.size,
    w.srcOffset,
    dst.ptr,
    dst.size,
    w.dstOffset,
    w.dims.length,
    walk,
  );
}

/** The {@linkcode Values} of a binding's inputs (every input is readable at run time). */
export function runtimeValues(args: KernelArgs<unknown>): Values {
  return (i) => {
    const t = args.inputs[i];
    return t ? decodeValues(t.dtype, t.numbers(args.kernels.memory)) : null;
  };
}

/** Scratch holding `value` as one element of `dtype` (rounded, saturated); its offset. */
export function scalarOf(args: KernelArgs<unknown>, dtype: DType, value: number): number {
  const at = args.scratch(8);
  args.kernels.call("movement_cast_scalar", dtypeToOnnx(dtype), value, at);
  return at;
}

/**
 * Fills `y` from `x` through per-axis index maps (i32, one per output index of each axis,
 * -1 meaning `fill`), as Pad and nearest Resize build them.
 */
export function gatherByMaps(
  args: KernelArgs<unknown>,
  x: RuntimeTensor,
  y: RuntimeTensor,
  maps: number,
  fill: number,
): void {
  const shapes = args.i32s([...y.dims, ...x.dims]);
  args.kernels.call(
    "movement_gather_maps",
    dtypeBytes(x.dtype),
    x.ptr,
    y.ptr,
    x.dims.length,
    shapes,
    maps,
    fill,
  );
}
