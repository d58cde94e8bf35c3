/**
 * Op classes by what bounds their speed: FLOPs ("compute") or memory traffic ("memory").
 * Workers calibrate one speed per class; the partitioner divides node costs by it.
 * @module
 */

const COMPUTE_OPS = new Set([
  "Conv",
  "ConvTranspose",
  "ConvInteger",
  "FusedConv",
  "Gemm",
  "MatMul",
  "MatMulInteger",
  "Einsum",
  "LSTM",
  "FusedGemm",
  "GRU",
  "RNN",
]);

/** The class of an op. */
export type OpClass = "compute" | "memory";

/**
 * The class an op's speed is measured by.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(opClass("Conv"), "compute");
 * assert.equal(opClass("Add"), "memory");
 * ```
 */
export function opClass(opType: string): OpClass {
  return COMPUTE_OPS.has(opType) ? "compute" : "memory";
}
