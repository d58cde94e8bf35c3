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
import { defineOp, type InputInfo, noParams, type OpSchema } from "./schema.ts";

/**
 * Before opset 7, `broadcast=1` with an `axis` aligned B's dims with A's from that axis
 * on, instead of from the right; `axis` is kept for the ops that say so.
 */
export interface BroadcastParams {
  axis?: number;
}

/** Mod's remainder: C's fmod (the dividend's sign) or else Python's (the divisor's). */
export interface ModParams extends BroadcastParams {
  fmod: boolean;
}

/** BitShift's direction. */
export interface BitShiftParams extends BroadcastParams {
  left: boolean;
}

/**
 * B's dims with ones appended so that right-aligned (numpy) broadcasting places them at
 * `axis` of an A of rank `rank`, as the legacy `broadcast`/`axis` attributes did.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(legacyDims(4, [3, 4], 1), [3, 4, 1]);
 * ```
 */
export function legacyDims<D>(rank: number, dims: readonly D[], axis?: number): (D | 1)[] {
  if (axis === undefined) return [...dims];
  const start = axis < 0 ? axis + rank : axis;
  return [...dims, ...new Array<1>(Math.max(0, rank - start - dims.length)).fill(1)];
}

function legacyAxis(node: Node, opset: number): BroadcastParams {
  const legacy = opset < 7 && attrInt(node, "broadcast", 0) !== 0;
  return legacy ? { axis: attrInt(node, "axis") } : {};
}

/** The inputs with B's dims aligned as `params` says. */
function aligned(inputs: readonly (InputInfo | undefined)[], params: BroadcastParams) {
  const [a, b] = inputs;
  if (params.axis === undefined || !a?.dims || !b?.dims) return inputs;
  return [a, { ...b, dims: legacyDims(a.dims.length, b.dims, params.axis) }];
}

/** An op whose inputs share a type among `allowed` and broadcast together. */
function broadcastOp<P>(
  opType: string,
  allowed: readonly DType[],
  prepare: (node: Node) => P,
  out?: DType,
): OpSchema<P & BroadcastParams> {
  return defineOp({
    opType,
    prepare: (node, opset) => ({ ...prepare(node), ...legacyAxis(node, opset) }),
    infer: (inputs, ctx) => {
      const dtype = sameType(inputs, inputs.map((_, i) => i), allowed, ctx);
      return broadcastTypes(aligned(inputs, ctx.params), ctx, out ?? dtype);
    },
  });
}

const noAttributes = () => ({});

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
  prepare: legacyAxis,
  infer: (inputs, ctx) => {
    const dtype = inputType(inputs, 0, ["int32", "int64", ...FLOATS], ctx);
    inputType(inputs, 1, NUMERIC, ctx);
    return broadcastTypes(aligned(inputs, ctx.params), ctx, dtype);
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
  ...["Add", "Sub", "Mul", "Div", "Max", "Min"].map((op) => broadcastOp(op, NUMERIC, noAttributes)),
  ...["Sum", "Mean"].map((op) => broadcastOp(op, FLOATS, noAttributes)),
  broadcastOp("PRelu", [...FLOATS, "int32", "int64", "uint32", "uint64"], noAttributes),
  Mod,
  BitShift,
  Pow,
  broadcastOp("Equal", [...NUMERIC, "bool"], noAttributes, "bool"),
  ...["Greater", "GreaterOrEqual", "Less", "LessOrEqual"].map((op) =>
    broadcastOp(op, NUMERIC, noAttributes, "bool")
  ),
  ...["And", "Or", "Xor"].map((op) => broadcastOp(op, ["bool"], noAttributes)),
  Where,
];
