/**
 * Element types the quantization ops share.
 * @module
 */
import type { DType } from "../dtype.ts";

/** Integer types a quantized tensor may hold (meshrt has no 4-bit or float8 types). */
export const QUANTIZED: readonly DType[] = ["uint8", "int8", "uint16", "int16"];

/** The 8-bit types of integer products. */
export const INT8: readonly DType[] = ["uint8", "int8"];
