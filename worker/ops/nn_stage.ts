/**
 * float32 is the nn kernels' compute type: float16 and float64 tensors are staged through
 * f32 scratch copies (widened on the way in, narrowed on the way out).
 * @module
 */
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";

/** An f32 tensor in linear memory. */
export interface F32 {
  ptr: number;
  size: number;
  dims: readonly number[];
}

/** An f32 output view; `commit()` moves staged results into the real output. */
export interface F32Output extends F32 {
  commit(): void;
}

const TO_F32: Partial<Record<string, string>> = {
  float16: "nn_f16_to_f32",
  float64: "nn_f64_to_f32",
};

const FROM_F32: Partial<Record<string, string>> = {
  float16: "nn_f32_to_f16",
  float64: "nn_f32_to_f64",
};

/**
 * The f32 form of a float tensor: the tensor itself when float32, else a widened scratch
 * copy.
 */
export function inputF32(args: KernelArgs, t: RuntimeTensor): F32 {
  const convert = TO_F32[t.dtype];
  if (!convert) return t;
  const ptr = args.scratch(t.size * 4);
  args.kernels.call(convert, t.ptr, ptr, t.size);
  return { ptr, size: t.size, dims: t.dims };
}

/**
 * Where an f32 kernel writes output `t`: `t` itself when float32, else scratch that
 * `commit()` narrows into `t`.
 */
export function outputF32(args: KernelArgs, t: RuntimeTensor): F32Output {
  const convert = FROM_F32[t.dtype];
  if (!convert) return { ptr: t.ptr, size: t.size, dims: t.dims, commit: () => {} };
  const ptr = args.scratch(t.size * 4);
  const commit = () => args.kernels.call(convert, ptr, t.ptr, t.size);
  return { ptr, size: t.size, dims: t.dims, commit };
}
