/**
 * The optimization levels, named as ONNX Runtime names them, and the pipelines each runs.
 * @module
 */
import { opSchema } from "../ops/registry.ts";
import type { Pipeline, Rule } from "./rule.ts";
import { foldConstants } from "./fold_constants.ts";
import { foldShapes } from "./fold_shapes.ts";
import { eliminateIdentity } from "./eliminate_identity.ts";
import { eliminateCommon } from "./eliminate_common.ts";
import { eliminateDead } from "./eliminate_dead.ts";
import { foldConvBatchNorm } from "./fold_conv_bn.ts";
import { foldConvMul } from "./fold_conv_mul.ts";
import { fuseMatMulAdd } from "./fuse_matmul_add.ts";
import { foldBias } from "./fold_bias.ts";
import { eliminateTranspose } from "./eliminate_transpose.ts";
import { foldTransposeIntoGemm } from "./fold_transpose_gemm.ts";
import { fuseConvActivation, FUSED_DOMAIN, fuseGemmActivation } from "./fuse_activation.ts";
import { fuseHardSigmoid } from "./fuse_hard_sigmoid.ts";
import { fuseHardSwish } from "./fuse_hard_swish.ts";

/** A graph optimization level. */
export type OptimizationLevel = "disabled" | "basic" | "extended" | "all";

/** Every level, from none to most. */
export const OPTIMIZATION_LEVELS: readonly OptimizationLevel[] = [
  "disabled",
  "basic",
  "extended",
  "all",
];

/** Rewrites that keep every op as it is in ai.onnx. */
const BASIC: Pipeline = {
  name: "basic",
  rules: [foldConstants, foldShapes, eliminateIdentity, eliminateCommon, eliminateDead],
};

/**
 * Rewrites that merge ai.onnx ops into fewer ai.onnx ops. The hard activations come
 * before bias folding, which would otherwise take their leading Add into a Conv.
 */
const EXTENDED: Pipeline = {
  name: "extended",
  rules: [
    fuseHardSwish,
    fuseHardSigmoid,
    foldConvBatchNorm,
    foldConvMul,
    foldBias,
    fuseMatMulAdd,
    eliminateTranspose,
    foldTransposeIntoGemm,
  ],
};

/**
 * The pipelines of a level, in the order they run.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(pipelinesFor("extended").map((p) => p.name), ["basic", "extended"]);
 * ```
 */
export function pipelinesFor(level: OptimizationLevel): Pipeline[] {
  switch (level) {
    case "disabled":
      return [];
    case "basic":
      return [BASIC];
    case "extended":
      return [BASIC, EXTENDED];
    case "all":
      return [BASIC, EXTENDED, ...fusion()];
  }
}

/** Activation fusion, for the fused ops this build can run. */
function fusion(): Pipeline[] {
  const rules: Rule[] = [];
  if (opSchema("FusedConv", FUSED_DOMAIN)) rules.push(fuseConvActivation);
  if (opSchema("FusedGemm", FUSED_DOMAIN)) rules.push(fuseGemmActivation);
  return rules.length > 0 ? [{ name: "fusion", rules }] : [];
}
