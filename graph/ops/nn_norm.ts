/**
 * Normalizations: BatchNormalization (inference with given statistics, or training mode
 * with batch statistics and running-statistics outputs), InstanceNormalization and
 * LpNormalization.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Dim, Node, TensorType } from "../ir.ts";
import { attrFloat, attrInt } from "./_attrs.ts";
import { required } from "./_common.ts";
import { normalizeAxis } from "./_dims.ts";
import { expectDType, FLOAT_TYPES } from "./nn_dtypes.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";

/** BatchNormalization's attributes, resolved for the model's opset. */
export interface BatchNormParams {
  epsilon: number;
  momentum: number;
  /**
   * Normalize with the batch's own statistics and output running statistics: the
   * training_mode attribute from opset 14, before it whether the extra outputs are used.
   */
  training: boolean;
  /** Statistics are per channel (opset < 9 spatial = 0: per channel and position). */
  spatial: boolean;
}

function prepareBatchNorm(node: Node, opset: number): BatchNormParams {
  const training = opset >= 14
    ? attrInt(node, "training_mode", 0) !== 0
    : node.outputs.slice(1).some((o) => o !== "");
  return {
    epsilon: attrFloat(node, "epsilon", 1e-5),
    momentum: attrFloat(node, "momentum", 0.9),
    training,
    spatial: opset >= 9 || attrInt(node, "spatial", 1) !== 0,
  };
}

/** X with its type and a rank of at least `rank` checked. */
function normInput(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<unknown>,
  rank: number,
): InputInfo {
  const x = required(inputs, 0, ctx);
  expectDType(x, 0, FLOAT_TYPES, ctx);
  if (x.dims && x.dims.length < rank) {
    fail(ctx, `X has rank ${x.dims.length}, expected ${rank} or more`);
  }
  return x;
}

/** Checks the inputs from `first` on have the parameter shape `dims` and a float type. */
function checkParams(
  inputs: readonly (InputInfo | undefined)[],
  first: number,
  count: number,
  dims: readonly Dim[] | undefined,
  ctx: RuleContext<unknown>,
): void {
  for (let i = first; i < first + count; i++) {
    const t = required(inputs, i, ctx);
    expectDType(t, i, FLOAT_TYPES, ctx);
    if (!dims || !t.dims) continue;
    const size = t.dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : NaN), 1);
    const want = dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : NaN), 1);
    if (Number.isFinite(size) && Number.isFinite(want) && size !== want) {
      fail(ctx, `input ${i} has shape [${t.dims}], expected [${dims}]`);
    }
  }
}

const BatchNormalization = defineOp({
  opType: "BatchNormalization",
  prepare: prepareBatchNorm,
  infer: (inputs, ctx) => {
    const x = normInput(inputs, ctx, 2);
    const stats = x.dims && (ctx.params.spatial ? [x.dims[1]] : x.dims.slice(1));
    checkParams(inputs, 1, 4, stats, ctx);
    const out: TensorType[] = [{ dtype: x.dtype, dims: x.dims }];
    const mean = required(inputs, 3, ctx);
    for (let i = 1; i < ctx.node.outputs.length; i++) out.push({ dtype: mean.dtype, dims: stats });
    return out;
  },
});

const InstanceNormalization = defineOp({
  opType: "InstanceNormalization",
  prepare: (node) => ({ epsilon: attrFloat(node, "epsilon", 1e-5) }),
  infer: (inputs, ctx) => {
    const x = normInput(inputs, ctx, 2);
    checkParams(inputs, 1, 2, x.dims && [x.dims[1]], ctx);
    return [{ dtype: x.dtype, dims: x.dims }];
  },
});

/** LpNormalization's attributes. */
export interface LpNormParams {
  axis: number;
  p: 1 | 2;
}

const LpNormalization = defineOp({
  opType: "LpNormalization",
  prepare: (node): LpNormParams => {
    const p = attrInt(node, "p", 2);
    if (p !== 1 && p !== 2) throw new ShapeError(node.name, node.opType, `p ${p} is not 1 or 2`);
    return { axis: attrInt(node, "axis", -1), p };
  },
  infer: (inputs, ctx) => {
    const x = normInput(inputs, ctx, 1);
    if (x.dims && normalizeAxis(ctx.params.axis, x.dims.length) === undefined) {
      fail(ctx, `axis ${ctx.params.axis} is out of range for rank ${x.dims.length}`);
    }
    return [{ dtype: x.dtype, dims: x.dims }];
  },
});

/** The normalization schemas. */
export const NORM_OPS: readonly OpSchema<unknown>[] = [
  BatchNormalization,
  InstanceNormalization,
  LpNormalization,
];

function fail(ctx: RuleContext<unknown>, detail: string): never {
  throw new ShapeError(ctx.node.name, ctx.node.opType, detail);
}
