/**
 * Tensor element types, named as onnxruntime-web names them, and their ONNX codes.
 * @module
 */

/** Every element type meshrt computes with. */
export type DType =
  | "float32"
  | "float16"
  | "float64"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

/** The typed array that holds each element type's data (float16 as raw bits). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface DTypeInfo {
  onnx: number;
  bytes: number;
  array: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray };
}

const INFO: Record<DType, DTypeInfo> = {
  float32: { onnx: 1, bytes: 4, array: Float32Array },
  uint8: { onnx: 2, bytes: 1, array: Uint8Array },
  int8: { onnx: 3, bytes: 1, array: Int8Array },
  uint16: { onnx: 4, bytes: 2, array: Uint16Array },
  int16: { onnx: 5, bytes: 2, array: Int16Array },
  int32: { onnx: 6, bytes: 4, array: Int32Array },
  int64: { onnx: 7, bytes: 8, array: BigInt64Array },
  bool: { onnx: 9, bytes: 1, array: Uint8Array },
  float16: { onnx: 10, bytes: 2, array: Uint16Array },
  float64: { onnx: 11, bytes: 8, array: Float64Array },
  uint32: { onnx: 12, bytes: 4, array: Uint32Array },
  uint64: { onnx: 13, bytes: 8, array: BigUint64Array },
};

/** Every supported element type. */
export const DTYPES: readonly DType[] = Object.keys(INFO) as DType[];

const BY_ONNX = new Map<number, DType>(DTYPES.map((t) => [INFO[t].onnx, t]));

const ONNX_NAMES: Record<number, string> = {
  8: "string",
  14: "complex64",
  15: "complex128",
  16: "bfloat16",
  17: "float8e4m3fn",
  18: "float8e4m3fnuz",
  19: "float8e5m2",
  20: "float8e5m2fnuz",
  21: "uint4",
  22: "int4",
  23: "float4e2m1",
};

/**
 * Maps an ONNX `TensorProto.DataType` code to a meshrt type, or undefined when unsupported.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(dtypeFromOnnx(1), "float32");
 * ```
 */
export function dtypeFromOnnx(code: number): DType | undefined {
  return BY_ONNX.get(code);
}

/** The ONNX name of a type code, for error messages ("string", "bfloat16", ...). */
export function onnxTypeName(code: number): string {
  return BY_ONNX.get(code) ?? ONNX_NAMES[code] ?? `type code ${code}`;
}

/** The ONNX `TensorProto.DataType` code of a type. */
export function dtypeToOnnx(dtype: DType): number {
  return INFO[dtype].onnx;
}

/** Bytes per element. */
export function dtypeBytes(dtype: DType): number {
  return INFO[dtype].bytes;
}

/** Whether a value is one of the supported type names. */
export function isDType(name: string): name is DType {
  return name in INFO;
}

/** A view of `length` elements of `dtype` over `buffer` at `byteOffset`. */
export function typedView(
  dtype: DType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): TypedArray {
  return new INFO[dtype].array(buffer, byteOffset, length);
}

/** A new zero-filled array of `length` elements of `dtype`. */
export function typedAlloc(dtype: DType, length: number): TypedArray {
  return typedView(dtype, new ArrayBuffer(length * INFO[dtype].bytes), 0, length);
}

/** Whether a type is a floating-point type. */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float16" || dtype === "float64";
}
