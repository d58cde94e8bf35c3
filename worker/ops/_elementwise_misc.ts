/**
 * WASM bindings of Clip, Cast, CastLike and Dropout.
 * @module
 */
import { dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import type { CastParams, ClipParams } from "../../graph/ops/elementwise.ts";
import { callCast } from "./_elementwise_calls.ts";
import { f32Bits } from "./_f32.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/** Clip's bounds as pointers to one element of the input's type; 0 for none. */
function clipBounds(args: KernelArgs<ClipParams>): [number, number] {
  const { inputs: [x, lo, hi], params: { min, max }, kernels } = args;
  if (min === undefined || max === undefined) return [lo?.ptr ?? 0, hi?.ptr ?? 0];
  // Attribute bounds (before opset 11) are float32 values; the cast kernel converts them.
  const f32 = args.i32s(f32Bits([min, max]));
  const bytes = dtypeBytes(x!.dtype);
  const typed = args.scratch(2 * bytes);
  callCast(kernels, "float32", x!.dtype, { ptr: f32, size: 2, dims: [2] }, {
    ptr: typed,
    size: 2,
    dims: [2],
  });
  return [typed, typed + bytes];
}

function clip(args: KernelArgs<ClipParams>): void {
  const { inputs: [x], outputs: [y], kernels } = args;
  kernels.call(
    "elementwise_clip",
    dtypeToOnnx(x!.dtype),
    x!.ptr,
    y.ptr,
    y.size,
    ...clipBounds(args),
  );
}

/** Dropout at inference, or in training with ratio 0: both copy the data and keep all. */
function dropout({ inputs: [x, ratio, training], outputs: [y, mask], kernels }: KernelArgs): void {
  const dropping = (ratio?.numbers(kernels.memory)[0] ?? 0.5) !== 0;
  if (training?.numbers(kernels.memory)[0] && dropping) {
    throw new RangeError(
      `Cannot run Dropout: input "training_mode" is true with a non-zero ratio, and meshrt only runs inference`,
    );
  }
  callCast(kernels, x!.dtype, x!.dtype, x!, y);
  if (mask) kernels.call("elementwise_ones", dtypeToOnnx(mask.dtype), mask.ptr, mask.size);
}

/** Bindings of Clip, Cast, CastLike and Dropout. */
export const MISC_KERNELS: KernelTable = {
  Clip: clip,
  Cast: ({ inputs: [x], outputs: [y], params, kernels }: KernelArgs<CastParams>) =>
    callCast(kernels, x!.dtype, params.to, x!, y),
  CastLike: ({ inputs: [x], outputs: [y], kernels }) => callCast(kernels, x!.dtype, y.dtype, x!, y),
  Dropout: dropout,
};
