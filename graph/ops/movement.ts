/**
 * movement ops.
 * @module
 */
import type { OpSchema } from "./schema.ts";

/** Schemas of the movement family. */
export const MOVEMENT_OPS: readonly OpSchema<unknown>[] = [];
