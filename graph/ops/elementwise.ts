/**
 * Elementwise ops: unary math and activations, broadcasting arithmetic, comparisons,
 * logic, selection and casts.
 * @module
 */
import { BINARY_OPS } from "./_elementwise_binary.ts";
import { MISC_OPS } from "./_elementwise_misc.ts";
import { UNARY_OPS } from "./_elementwise_unary.ts";
import type { OpSchema } from "./schema.ts";

export { legacyDims } from "./_elementwise_binary.ts";
export type { BitShiftParams, BroadcastParams, ModParams } from "./_elementwise_binary.ts";
export type { CastParams, ClipParams, DropoutParams } from "./_elementwise_misc.ts";
export type { GeluParams, IsInfParams, UnaryParams } from "./_elementwise_unary.ts";

/** Schemas of the elementwise family. */
export const ELEMENTWISE_OPS: readonly OpSchema<unknown>[] = [
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...MISC_OPS,
];
