/**
 * reduce ops.
 * @module
 */
import type { OpSchema } from "./schema.ts";

/** Schemas of the reduce family. */
export const REDUCE_OPS: readonly OpSchema<unknown>[] = [];
