/**
 * Bindings of the shape-building movement ops: Shape and Size write a few int64s,
 * ConstantOfShape fills, Range counts.
 * @module
 */
import { dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import type { HostTensor } from "../../graph/ir.ts";
import { shapeRange } from "../../graph/ops/movement_shape.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/**
 * Writes a few nonnegative int64s (dims, sizes) to `y`: as int32 word pairs, low word first,
 * through `i32s` and a copy, so that the node's tape replays them like any kernel's writes.
 */
function writeInt64s(args: KernelArgs<unknown>, y: RuntimeTensor, values: readonly number[]): void {
  const words = args.i32s(values.flatMap((v) => [v >>> 0, Math.floor(v / 2 ** 32)]));
  const walk = args.i32s([values.length, 1, 1]);
  args.kernels.call("movement_copy", 8, words, values.length, 0, y.ptr, y.size, 0, 1, walk);
}

function shape(args: KernelArgs<{ start: number; end?: number }>): void {
  const x = args.inputs[0]!;
  const [s, e] = shapeRange(args.params, x.dims.length);
  writeInt64s(args, args.outputs[0], x.dims.slice(s, e));
}

function size(args: KernelArgs): void {
  writeInt64s(args, args.outputs[0], [args.inputs[0]!.size]);
}

function constantOfShape(args: KernelArgs<HostTensor>): void {
  const y = args.outputs[0], v = args.params.data, bytes = dtypeBytes(y.dtype);
  const at = args.scratch(bytes);
  new Uint8Array(args.kernels.memory.buffer, at, bytes).set(
    new Uint8Array(v.buffer, v.byteOffset, bytes),
  );
  args.kernels.call("movement_fill", bytes, y.ptr, y.size, at);
}

function range(args: KernelArgs): void {
  const [start, , delta] = args.inputs, y = args.outputs[0];
  args.kernels.call("movement_range", dtypeToOnnx(y.dtype), start!.ptr, delta!.ptr, y.ptr, y.size);
}

/** Bindings of the shape-building movement ops. */
export const SHAPE_KERNELS: KernelTable = {
  Shape: shape,
  Size: size,
  ConstantOfShape: constantOfShape,
  Range: range,
};
