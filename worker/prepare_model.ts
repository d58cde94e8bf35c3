/**
 * ONNX bytes → the optimized model every session and every cluster deployment runs.
 * @module
 */
import { decodeModel, type DecodeOptions } from "../graph/decode_model.ts";
import type { Model } from "../graph/ir.ts";
import type { OptimizationLevel } from "../graph/optimize/levels.ts";
import { type OptimizationReport, optimizeModel } from "../graph/optimize/optimize_model.ts";
import { createConstantEvaluator } from "./fold_constants.ts";

/** Options of {@linkcode prepareModel}. */
export interface PrepareOptions extends DecodeOptions {
  /** ONNX Runtime's level names; "all" by default, as in onnxruntime-web. */
  level?: OptimizationLevel;
}

/**
 * Decodes and optimizes a model, folding constants on this process's kernels.
 * @throws {ModelLoadError} on bytes that are not a valid model
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const { report } = await prepareModel(await Deno.readFile("tests/data/relu.onnx"));
 * assert.equal(report.level, "all");
 * ```
 */
export async function prepareModel(
  bytes: Uint8Array,
  options: PrepareOptions = {},
): Promise<{ model: Model; report: OptimizationReport }> {
  const decoded = decodeModel(bytes, options);
  return optimizeModel(decoded, options.level ?? "all", await createConstantEvaluator());
}
