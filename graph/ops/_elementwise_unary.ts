/**
 * Unary elementwise ops: math functions, activations and the predicates IsNaN, IsInf and
 * Not. Each output has its input's shape.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Node } from "../ir.ts";
import { attrFloat, attrInt, attrString } from "./_attrs.ts";
import { required } from "./_common.ts";
import { FLOATS, inputType, NUMERIC, SIGNED } from "./_elementwise_types.ts";
import { defineOp, type OpSchema } from "./schema.ts";

/** The float attributes of a unary op (0 where it has none). */
export interface UnaryParams {
  alpha: number;
  beta: number;
}

/** Gelu's form: exact (erf) or the tanh approximation. */
export interface GeluParams {
  approximate: "none" | "tanh";
}

/** Which values IsInf reports. */
export interface IsInfParams {
  negative: boolean;
  positive: boolean;
}

const NO_ATTRIBUTES: UnaryParams = { alpha: 0, beta: 0 };

/** A unary op over `allowed` types; its output has type `out`, or the input's. */
function unary<P>(
  opType: string,
  allowed: readonly DType[],
  prepare: (node: Node) => P,
  out?: DType,
): OpSchema<P> {
  return defineOp({
    opType,
    prepare,
    infer: (inputs, ctx) => {
      const dtype = inputType(inputs, 0, allowed, ctx);
      return [{ dtype: out ?? dtype, dims: required(inputs, 0, ctx).dims }];
    },
  });
}

/** An op without attributes. */
function plain(opType: string, allowed: readonly DType[]): OpSchema<UnaryParams> {
  return unary(opType, allowed, () => NO_ATTRIBUTES);
}

/** An op with one `alpha` attribute. */
function withAlpha(opType: string, fallback: number): OpSchema<UnaryParams> {
  return unary(opType, FLOATS, (node) => ({ alpha: attrFloat(node, "alpha", fallback), beta: 0 }));
}

const SIGNED_OR_FLOAT: readonly DType[] = [...FLOATS, ...SIGNED];

/** Float-only ops without attributes. */
const FLOAT_MATH = [
  "Sqrt",
  "Exp",
  "Log",
  "Reciprocal",
  "Floor",
  "Ceil",
  "Round",
  "Sin",
  "Cos",
  "Tan",
  "Asin",
  "Acos",
  "Atan",
  "Sinh",
  "Cosh",
  "Asinh",
  "Acosh",
  "Atanh",
  "Sigmoid",
  "Tanh",
  "HardSwish",
  "Softplus",
  "Softsign",
  "Mish",
];

const Selu = unary("Selu", FLOATS, (node) => ({
  alpha: attrFloat(node, "alpha", 1.67326319217681884765625),
  beta: attrFloat(node, "gamma", 1.05070102214813232421875),
}));

const HardSigmoid = unary("HardSigmoid", FLOATS, (node) => ({
  alpha: attrFloat(node, "alpha", 0.2),
  beta: attrFloat(node, "beta", 0.5),
}));

const Gelu = unary("Gelu", FLOATS, (node): GeluParams => {
  const approximate = attrString(node, "approximate", "none");
  if (approximate !== "none" && approximate !== "tanh") {
    throw new ShapeError(
      node.name,
      "Gelu",
      `attribute "approximate" is "${approximate}", expected "none" or "tanh"`,
    );
  }
  return { approximate };
});

const IsInf = unary("IsInf", FLOATS, (node): IsInfParams => ({
  negative: attrInt(node, "detect_negative", 1) !== 0,
  positive: attrInt(node, "detect_positive", 1) !== 0,
}), "bool");

/** Schemas of the unary elementwise ops. */
export const UNARY_OPS: readonly OpSchema<unknown>[] = [
  plain("Abs", NUMERIC),
  plain("Neg", SIGNED_OR_FLOAT),
  plain("Sign", NUMERIC),
  plain("Relu", SIGNED_OR_FLOAT),
  plain("Erf", NUMERIC),
  ...FLOAT_MATH.map((op) => plain(op, FLOATS)),
  withAlpha("LeakyRelu", 0.01),
  withAlpha("Elu", 1),
  withAlpha("Celu", 1),
  withAlpha("ThresholdedRelu", 1),
  Selu,
  HardSigmoid,
  Gelu,
  unary("IsNaN", FLOATS, () => null, "bool"),
  IsInf,
  unary("Not", ["bool"], () => null),
];
