/**
 * The element type sets of the elementwise ops' ONNX type constraints, and the checks
 * that hold a node's inputs to them.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import { required } from "./_common.ts";
import type { InputInfo, RuleContext } from "./schema.ts";

/** Floating-point types. */
export const FLOATS: readonly DType[] = ["float32", "float16", "float64"];
/** Signed integer types. */
export const SIGNED: readonly DType[] = ["int8", "int16", "int32", "int64"];
/** Unsigned integer types. */
export const UNSIGNED: readonly DType[] = ["uint8", "uint16", "uint32", "uint64"];
/** Every numeric type. */
export const NUMERIC: readonly DType[] = [...FLOATS, ...SIGNED, ...UNSIGNED];

type Inputs = readonly (InputInfo | undefined)[];

/**
 * The type of input `index`, checked against `allowed`.
 * @throws {ShapeError} when the input is missing or of another type
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "n", opType: "Sqrt", domain: "", inputs: ["x"], outputs: ["y"],
 *   attributes: new Map() };
 * const x = { dtype: "float32" as const, dims: [2], values: () => undefined };
 * assert.equal(inputType([x], 0, FLOATS, { node, params: null, opset: 13 }), "float32");
 * ```
 */
export function inputType(
  inputs: Inputs,
  index: number,
  allowed: readonly DType[],
  ctx: RuleContext<unknown>,
): DType {
  const { dtype } = required(inputs, index, ctx);
  if (!allowed.includes(dtype)) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `input ${index} has type "${dtype}", expected one of ${allowed.join(", ")}`,
    );
  }
  return dtype;
}

/**
 * The common type of the inputs at `indices` (absent optional ones skipped), checked
 * against `allowed`.
 * @throws {ShapeError} when the types differ or one is not allowed
 */
export function sameType(
  inputs: Inputs,
  indices: readonly number[],
  allowed: readonly DType[],
  ctx: RuleContext<unknown>,
): DType {
  const dtype = inputType(inputs, indices[0], allowed, ctx);
  for (const i of indices.slice(1)) {
    const other = inputs[i]?.dtype;
    if (other !== undefined && other !== dtype) {
      throw new ShapeError(
        ctx.node.name,
        ctx.node.opType,
        `input ${i} has type "${other}", expected "${dtype}" like input ${indices[0]}`,
      );
    }
  }
  return dtype;
}
