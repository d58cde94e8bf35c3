/**
 * Clip, the casts and Dropout (an identity at inference).
 * @module
 */
import { type DType, dtypeFromOnnx, DTYPES, onnxTypeName } from "../dtype.ts";
import { ShapeError, UnsupportedDTypeError } from "../errors.ts";
import type { Node } from "../ir.ts";
import { attrFloat, attrInt } from "./_attrs.ts";
import { productDims } from "./_dims.ts";
import { required } from "./_common.ts";
import { FLOATS, inputType, NUMERIC, sameType } from "./_elementwise_types.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";

/** Clip's bounds when attributes give them (before opset 11; inputs give them after). */
export interface ClipParams {
  min?: number;
  max?: number;
}

/** The target type of a Cast. */
export interface CastParams {
  to: DType;
}

/** Dropout's mask type: bool from opset 10, the data's type before. */
export interface DropoutParams {
  boolMask: boolean;
}

/** The largest finite float32: Clip's attribute defaults before opset 11. */
const FLT_MAX = 3.4028234663852886e38;

function checkScalar(
  inputs: readonly (InputInfo | undefined)[],
  i: number,
  ctx: RuleContext<unknown>,
) {
  const size = inputs[i]?.dims && productDims(inputs[i]!.dims!);
  if (typeof size === "number" && size !== 1) {
    throw new ShapeError(ctx.node.name, "Clip", `input ${i} has ${size} elements, expected 1`);
  }
}

const Clip = defineOp({
  opType: "Clip",
  prepare: (node, opset): ClipParams =>
    opset < 11
      ? { min: attrFloat(node, "min", -FLT_MAX), max: attrFloat(node, "max", FLT_MAX) }
      : {},
  infer: (inputs, ctx) => {
    const dtype = sameType(inputs, [0, 1, 2], ctx.opset < 11 ? FLOATS : NUMERIC, ctx);
    checkScalar(inputs, 1, ctx);
    checkScalar(inputs, 2, ctx);
    return [{ dtype, dims: required(inputs, 0, ctx).dims }];
  },
});

function castTarget(node: Node): CastParams {
  const code = attrInt(node, "to");
  if (code === undefined) throw new ShapeError(node.name, "Cast", `attribute "to" is missing`);
  const to = dtypeFromOnnx(code);
  if (!to) throw new UnsupportedDTypeError(onnxTypeName(code), node.outputs[0], node.name);
  return { to };
}

const Cast = defineOp({
  opType: "Cast",
  prepare: castTarget,
  infer: (inputs, ctx) => [{ dtype: ctx.params.to, dims: required(inputs, 0, ctx).dims }],
});

const CastLike = defineOp({
  opType: "CastLike",
  prepare: () => null,
  infer: (inputs, ctx) => [{
    dtype: inputType(inputs, 1, DTYPES, ctx),
    dims: required(inputs, 0, ctx).dims,
  }],
});

const Dropout = defineOp({
  opType: "Dropout",
  prepare: (_node, opset): DropoutParams => ({ boolMask: opset >= 10 }),
  infer: (inputs, ctx) => {
    const dtype = inputType(inputs, 0, FLOATS, ctx);
    if (inputs[1]) inputType(inputs, 1, FLOATS, ctx);
    if (inputs[2]) inputType(inputs, 2, ["bool"], ctx);
    const dims = required(inputs, 0, ctx).dims;
    const mask: DType = ctx.params.boolMask ? "bool" : dtype;
    return ctx.node.outputs.slice(0, 2).map((_, i) => ({ dtype: i === 0 ? dtype : mask, dims }));
  },
});

/** Schemas of Clip, Cast, CastLike and Dropout. */
export const MISC_OPS: readonly OpSchema<unknown>[] = [Clip, Cast, CastLike, Dropout];
