/**
 * Broadcasting elementwise ops of two or more inputs: arithmetic, comparisons, logic,
 * the variadic Max, Min, Sum and Mean, and Where.
 * @module
 */
import { type DType, DTYPES } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Node } from "../ir.ts";
import { attrInt, attrString } from "./_attrs.ts";
import { broadcastTypes } from "./_common.ts";
import { FLOATS, inputType, NUMERIC, sameType, SIGNED, UNSIGNED } from "./_elementwise_types.ts";
import { defineOp, noParams, type OpSchema } from "./schema.ts";

/** Mod's remainder: C's fmod (the dividend's sign) or else Python's (the divisor's). */
export interface ModParams {
  fmod: boolean;
}

/** BitShift's direction. */
export interface BitShiftParams {
  left: boolean;
}

/** An op whose inputs share a type among `allowed` and broadcast together. */
function broadcastOp<P>(
  opType: string,
  allowed: readonly DType[],
  prepare: (node: Node) => P,
  out?: DType,
): OpSchema<P> {
  return defineOp({
    opType,
    prepare,
    infer: (inputs, ctx) => {
      const dtype = sameType(inputs, inputs.map((_, i) => i), allowed, ctx);
      return broadcastTypes(inputs, ctx, out ?? dtype);
    },
  });
}

const Mod = broadcastOp("Mod", NUMERIC, (node): ModParams => ({
  fmod: attrInt(node, "fmod", 0) !== 0,
}));

const BitShift = broadcastOp("BitShift", [...UNSIGNED, ...SIGNED], (node) => {
  const direction = attrString(node, "direction");
  if (direction !== "LEFT" && direction !== "RIGHT") {
    throw new ShapeError(
      node.name,
      "BitShift",
      `attribute "direction" is ${
        direction ? `"${direction}"` : "missing"
      }, expected "LEFT" or "RIGHT"`,
    );
  }
  return { left: direction === "LEFT" } satisfies BitShiftParams;
});

/** Pow: the exponent may be of any numeric type; the result has the base's. */
const Pow = defineOp({
  opType: "Pow",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const dtype = inputType(inputs, 0, ["int32", "int64", ...FLOATS], ctx);
    inputType(inputs, 1, NUMERIC, ctx);
    return broadcastTypes(inputs, ctx, dtype);
  },
});

const Where = defineOp({
  opType: "Where",
  prepare: noParams,
  infer: (inputs, ctx) => {
    inputType(inputs, 0, ["bool"], ctx);
    return broadcastTypes(inputs, ctx, sameType(inputs, [1, 2], DTYPES, ctx));
  },
});

/** Schemas of the broadcasting elementwise ops. */
export const BINARY_OPS: readonly OpSchema<unknown>[] = [
  ...["Add", "Sub", "Mul", "Div", "Max", "Min"].map((op) => broadcastOp(op, NUMERIC, noParams)),
  ...["Sum", "Mean"].map((op) => broadcastOp(op, FLOATS, noParams)),
  broadcastOp("PRelu", [...FLOATS, "int32", "int64", "uint32", "uint64"], noParams),
  Mod,
  BitShift,
  Pow,
  broadcastOp("Equal", [...NUMERIC, "bool"], noParams, "bool"),
  ...["Greater", "GreaterOrEqual", "Less", "LessOrEqual"].map((op) =>
    broadcastOp(op, NUMERIC, noParams, "bool")
  ),
  ...["And", "Or", "Xor"].map((op) => broadcastOp(op, ["bool"], noParams)),
  Where,
];
