/**
 * Elementwise ops: unary math and activations, broadcasting arithmetic, comparisons,
 * logic, selection and casts.
 * @module
 */
import { broadcasting, sameAsInput } from "./_common.ts";
import type { OpSchema } from "./schema.ts";

/** Schemas of the elementwise family. */
export const ELEMENTWISE_OPS: readonly OpSchema<unknown>[] = [
  sameAsInput("Relu"),
  broadcasting("Add"),
];
