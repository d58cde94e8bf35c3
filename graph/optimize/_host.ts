/**
 * Reading and making constant tensors on the host, for rules that rewrite weights.
 * @module
 */
import { type DType, typedAlloc } from "../dtype.ts";
import { float16ToFloat32 } from "../float16.ts";
import type { HostTensor } from "../ir.ts";

/** Element types whose weights rules may rewrite: float16 is left alone, since rounding
 * folded weights to half precision moves results more than the unfused ops would. */
export const REWRITABLE_FLOATS: readonly DType[] = ["float32", "float64"];

/** The elements as numbers (float16 decoded, 64-bit integers converted). */
export function numbersOf(t: HostTensor): number[] {
  const values = Array.from(t.data as ArrayLike<number | bigint>, Number);
  return t.dtype === "float16" ? values.map(float16ToFloat32) : values;
}

/**
 * A tensor of `dtype` holding `values`.
 * @throws {RangeError} for float16, which rules never write
 */
export function hostTensor(dtype: DType, dims: number[], values: readonly number[]): HostTensor {
  if (dtype === "float16") throw new RangeError("Cannot write float16 constants on the host");
  const data = typedAlloc(dtype, values.length);
  const big = dtype === "int64" || dtype === "uint64";
  values.forEach((v, i) => {
    (data as unknown as (number | bigint)[])[i] = big ? BigInt(v) : v;
  });
  return { dtype, dims, data };
}

/** Whether every element equals `value`. */
export function allEqual(t: HostTensor, value: number): boolean {
  return numbersOf(t).every((v) => v === value);
}
