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
  if (t.dtype === "float16") return Array.from(t.data as Uint16Array, float16ToFloat32);
  if (t.dtype === "int64" || t.dtype === "uint64") {
    return Array.from(t.data as BigInt64Array, Number);
  }
  return Array.from(t.data as Float32Array);
}

/**
 * A tensor of `dtype` holding `values`.
 * @throws {RangeError} for float16, which rules never write
 */
export function hostTensor(dtype: DType, dims: number[], values: readonly number[]): HostTensor {
  if (dtype === "float16") throw new RangeError("Cannot write float16 constants on the host");
  const data = typedAlloc(dtype, values.length);
  if (dtype === "int64" || dtype === "uint64") {
    values.forEach((v, i) => ((data as BigInt64Array)[i] = BigInt(v)));
  } else (data as Float64Array).set(values);
  return { dtype, dims, data };
}

/** Whether every element equals `value`. */
export function allEqual(t: HostTensor, value: number): boolean {
  return numbersOf(t).every((v) => v === value);
}

/**
 * The value per channel of a constant broadcast against a Conv output of `rank` dims and
 * `channels` channels, when it varies along the channel axis (1) alone; else undefined.
 */
export function perChannel(k: HostTensor, rank: number, channels: number): number[] | undefined {
  if (k.dims.length > rank) return undefined;
  const dims = [...new Array(rank - k.dims.length).fill(1), ...k.dims];
  if (dims.some((d, i) => d !== 1 && !(i === 1 && d === channels))) return undefined;
  const values = numbersOf(k);
  return Array.from({ length: channels }, (_, m) => values[values.length === 1 ? 0 : m]);
}

/**
 * Conv weights `w` (of a {@linkcode REWRITABLE_FLOATS} type) with each output channel
 * (dim 0) multiplied by its factor.
 */
export function scaleRows(w: HostTensor, factor: readonly number[]): HostTensor {
  const src = w.data as Float32Array | Float64Array;
  const out = typedAlloc(w.dtype, src.length) as Float32Array | Float64Array;
  const row = src.length / factor.length;
  for (let m = 0; m < factor.length; m++) {
    for (let i = m * row; i < (m + 1) * row; i++) out[i] = src[i] * factor[m];
  }
  return { dtype: w.dtype, dims: w.dims, data: out };
}
