/**
 * The protocol's datatype names ("FP32", "INT64", ...) and meshrt's element types.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";

const TO_V2: Record<DType, string> = {
  float32: "FP32",
  float16: "FP16",
  float64: "FP64",
  int8: "INT8",
  uint8: "UINT8",
  int16: "INT16",
  uint16: "UINT16",
  int32: "INT32",
  uint32: "UINT32",
  int64: "INT64",
  uint64: "UINT64",
  bool: "BOOL",
};

const FROM_V2 = new Map<string, DType>(
  Object.entries(TO_V2).map(([dtype, v2]) => [v2, dtype as DType]),
);

/**
 * The protocol's name for an element type.
 * @param dtype meshrt's element type
 * @returns e.g. "FP32"
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(v2Datatype("int64"), "INT64");
 * ```
 */
export function v2Datatype(dtype: DType): string {
  return TO_V2[dtype];
}

/**
 * The element type of a protocol datatype name, or undefined for one meshrt lacks (BYTES).
 * @param datatype e.g. "FP16"
 * @returns meshrt's element type
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(dtypeOfV2("BOOL"), "bool");
 * assert.equal(dtypeOfV2("BYTES"), undefined);
 * ```
 */
export function dtypeOfV2(datatype: string): DType | undefined {
  return FROM_V2.get(datatype);
}
