/**
 * Rule builders shared by many ops: input and type checks, same-shape unary ops,
 * broadcasting binary ops.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Dim, TensorType } from "../ir.ts";
import { broadcastDims } from "./_dims.ts";
import { defineOp, type InputInfo, noParams, type OpSchema, type RuleContext } from "./schema.ts";

/** The input at `index`, or a ShapeError naming it as missing. */
export function required(
  inputs: readonly (InputInfo | undefined)[],
  index: number,
  ctx: RuleContext<unknown>,
): InputInfo {
  const input = inputs[index];
  if (!input) throw new ShapeError(ctx.node.name, ctx.node.opType, `input ${index} is missing`);
  return input;
}

/**
 * Throws unless `input` has one of the `allowed` types.
 * @throws {ShapeError} naming the input and the types it may have
 */
export function expectType(
  input: InputInfo,
  allowed: readonly DType[],
  what: string,
  ctx: RuleContext<unknown>,
): void {
  if (!allowed.includes(input.dtype)) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `${what} has type "${input.dtype}", expected one of ${allowed.join(", ")}`,
    );
  }
}

/** Output types of ops whose inputs broadcast together (numpy rules). */
export function broadcastTypes(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<unknown>,
  dtype: DType,
): TensorType[] {
  const shapes = inputs.map((_, i) => required(inputs, i, ctx).dims);
  if (shapes.some((s) => s === undefined)) return [{ dtype }];
  const dims = broadcastDims(shapes as Dim[][]);
  if (!dims) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `shapes ${shapes.map((s) => `[${s}]`).join(", ")} do not broadcast`,
    );
  }
  return [{ dtype, dims }];
}

/** An op whose one output has its first input's type and shape. */
export function sameAsInput(opType: string): OpSchema<null> {
  return defineOp({
    opType,
    prepare: noParams,
    infer: (inputs, ctx) => {
      const x = required(inputs, 0, ctx);
      return [{ dtype: x.dtype, dims: x.dims }];
    },
  });
}

/** A broadcasting op; its output type is the first input's, or `outDtype`. */
export function broadcasting(opType: string, outDtype?: DType): OpSchema<null> {
  return defineOp({
    opType,
    prepare: noParams,
    infer: (inputs, ctx) => broadcastTypes(inputs, ctx, outDtype ?? required(inputs, 0, ctx).dtype),
  });
}
