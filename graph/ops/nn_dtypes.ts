/**
 * Element types the nn ops accept, per the ONNX spec, and the check that enforces them.
 * @module
 */
import type { DType } from "../dtype.ts";
import { expectType } from "./_common.ts";
import type { InputInfo, RuleContext } from "./schema.ts";

/** The floating-point types (float16 is computed in float32). */
export const FLOAT_TYPES: readonly DType[] = ["float32", "float16", "float64"];

/** MatMul's and Gemm's types: floats and 32/64-bit integers. */
export const GEMM_TYPES: readonly DType[] = [
  ...FLOAT_TYPES,
  "int32",
  "int64",
  "uint32",
  "uint64",
];

/**
 * Throws unless `input` (at `index`) has one of `allowed` types.
 * @throws {ShapeError} naming the input, its type and the allowed ones
 */
export function expectDType(
  input: InputInfo,
  index: number,
  allowed: readonly DType[],
  ctx: RuleContext<unknown>,
): void {
  expectType(input, allowed, `input ${index}`, ctx);
}
