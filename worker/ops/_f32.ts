/**
 * Float kernels compute in f32; these stage the other float types (and int32 inputs)
 * through f32 scratch copies, converted in WASM.
 * @module
 */
import { dtypeToOnnx } from "../../graph/dtype.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";

/**
 * The address of `t`'s elements as f32: its own buffer when it is float32, else a scratch
 * copy widened from float16, float64 or int32.
 */
export function asF32(args: KernelArgs<unknown>, t: RuntimeTensor): number {
  if (t.dtype === "float32") return t.ptr;
  const out = args.scratch(t.size * 4);
  args.kernels.call("quant_cast_to_f32", t.ptr, dtypeToOnnx(t.dtype), out, t.size);
  return out;
}

/** Where a kernel writes an output as f32, and how the result then reaches the output. */
export interface F32Output {
  ptr: number;
  /** Narrows the f32 result into the output (nothing to do for float32). */
  commit(): void;
}

/** Stages output `t` as f32: in place when it is float32, else through scratch. */
export function f32Output(args: KernelArgs<unknown>, t: RuntimeTensor): F32Output {
  if (t.dtype === "float32") return { ptr: t.ptr, commit: () => {} };
  const ptr = args.scratch(t.size * 4);
  const commit = () =>
    args.kernels.call("quant_cast_from_f32", ptr, t.ptr, dtypeToOnnx(t.dtype), t.size);
  return { ptr, commit };
}

/** The bits of f32 values as i32s, to pass them through an i32 array. */
export function f32Bits(values: readonly number[]): number[] {
  return Array.from(new Int32Array(new Float32Array(values).buffer));
}
