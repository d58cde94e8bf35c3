/**
 * quant ops.
 * @module
 */
import type { OpSchema } from "./schema.ts";

/** Schemas of the quant family. */
export const QUANT_OPS: readonly OpSchema<unknown>[] = [];
