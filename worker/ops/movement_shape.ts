/**
 * Bindings of the shape-building movement ops: Shape and Size write a few int64s,
 * ConstantOfShape fills, Range counts.
 * @module
 */
import { dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import type { HostTensor } from "../../graph/ir.ts";
import { shapeRange } from "../../graph/ops/movement_shape.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/** Writes a few int64s to `ptr` (shape values stay in TS: there are at most a rank's worth). */
function writeInt64s(args: KernelArgs<unknown>, ptr: number, values: readonly number[]): void {
  const out = new BigInt64Array(args.kernels.memory.buffer, ptr, values.length);
  values.forEach((v, i) => (out[i] = BigInt(v)));
}

function shape(args: KernelArgs<{ start: number; end?: number }>): void {
  const x = args.inputs[0]!;
  const [s, e] = shapeRange(args.params, x.dims.length);
  writeInt64s(args, args.outputs[0].ptr, x.dims.slice(s, e));
}

function size(args: KernelArgs): void {
  writeInt64s(args, args.outputs[0].ptr, [args.inputs[0]!.size]);
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
