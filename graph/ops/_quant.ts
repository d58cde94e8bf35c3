/**
 * Type checks the quantization ops share.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { InputInfo, RuleContext } from "./schema.ts";

/** Integer types a quantized tensor may hold (meshrt has no 4-bit or float8 types). */
export const QUANTIZED: readonly DType[] = ["uint8", "int8", "uint16", "int16"];

/** The 8-bit types of integer products. */
export const INT8: readonly DType[] = ["uint8", "int8"];

/**
 * Throws unless `input` has one of the `allowed` types.
 * @throws {ShapeError} naming the input and the types it may have
 */
export function expectType(
  input: InputInfo,
  allowed: readonly DType[],
  what: string,
  ctx: RuleContext<unknown>,
): void {
  if (!allowed.includes(input.dtype)) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `${what} has type "${input.dtype}", expected one of ${allowed.join(", ")}`,
    );
  }
}
