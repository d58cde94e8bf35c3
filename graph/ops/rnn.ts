/**
 * rnn ops.
 * @module
 */
import type { OpSchema } from "./schema.ts";

/** Schemas of the rnn family. */
export const RNN_OPS: readonly OpSchema<unknown>[] = [];
