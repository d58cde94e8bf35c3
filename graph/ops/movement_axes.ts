/**
 * Helpers the movement ops share: failing with a ShapeError, resolving axes, reading
 * optional shape-like inputs.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { DType } from "../dtype.ts";
import type { Dim, Node } from "../ir.ts";
import { float16ToFloat32 } from "../float16.ts";
import { normalizeAxis, unknownDim } from "./_dims.ts";
import { required } from "./_common.ts";
import type { InputInfo, RuleContext } from "./schema.ts";

/** Where a rule runs: a shape rule's context or a kernel's arguments, both name the node. */
export interface Site {
  readonly node: Node;
}

/**
 * Reads input `index`'s contents (float16 decoded): null when the node leaves the input
 * out, undefined when its contents are unknown (static inference of a non-constant).
 */
export type Values = (index: number) => number[] | null | undefined;

/**
 * Throws a ShapeError naming the node.
 * @throws {ShapeError} always
 */
export function fail(ctx: Site, detail: string): never {
  throw new ShapeError(ctx.node.name, ctx.node.opType, detail);
}

/**
 * Resolves a possibly negative axis against `rank`.
 * @throws {ShapeError} when the axis is out of range
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "n", opType: "Concat", domain: "", inputs: [], outputs: [], attributes: new Map() };
 * assert.equal(resolveAxis({ node }, -1, 3), 2);
 * ```
 */
export function resolveAxis(ctx: Site, axis: number, rank: number): number {
  const a = normalizeAxis(axis, rank);
  if (a === undefined) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/**
 * Resolves several axes against `rank`, rejecting repeats.
 * @throws {ShapeError} when an axis is out of range or repeated
 */
export function resolveAxes(
  ctx: Site,
  axes: readonly number[],
  rank: number,
): number[] {
  const out = axes.map((a) => resolveAxis(ctx, a, rank));
  if (new Set(out).size !== out.length) fail(ctx, `axes [${axes}] repeat an axis`);
  return out;
}

/** Numbers read from a tensor of `dtype`, float16 bits decoded. */
export function decodeValues(dtype: DType, values: number[]): number[] {
  return dtype === "float16" ? values.map(float16ToFloat32) : values;
}

/** The {@linkcode Values} of a shape rule's inputs. */
export function inputValues(inputs: readonly (InputInfo | undefined)[]): Values {
  return (i) => {
    const input = inputs[i];
    if (!input) return null;
    const v = input.values();
    return v && decodeValues(input.dtype, v);
  };
}

/** `n` fresh unknown dims. */
export function unknownDims(n: number): Dim[] {
  return Array.from({ length: n }, unknownDim);
}

/** The length of a 1-D input when known statically. */
export function lengthOf(input: InputInfo | undefined): number | undefined {
  const d = input?.dims?.[0];
  return input?.dims?.length === 1 && typeof d === "number" ? d : undefined;
}

/** Input 0's type and dims (undefined dims when its rank is unknown). */
export function firstInput(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<unknown>,
): { dtype: DType; dims?: Dim[] } {
  const x = required(inputs, 0, ctx);
  return { dtype: x.dtype, dims: x.dims };
}
