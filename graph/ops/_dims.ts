/**
 * Dimension arithmetic that works on numbers and symbols alike, so one shape rule serves
 * static inference and execution.
 * @module
 */
import type { Dim } from "../ir.ts";

let fresh = 0;

/** A new symbol for a dimension no rule can know statically. */
export function unknownDim(): Dim {
  return `d${fresh++}`;
}

/** Whether every dim is a number. */
export function isConcrete(dims: readonly Dim[]): dims is number[] {
  return dims.every((d) => typeof d === "number");
}

/** a × b, symbolic when either is. */
export function mulDim(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  return unknownDim();
}

/** Product of dims, symbolic when any is. */
export function productDims(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => mulDim(acc, d), 1);
}

/** Applies `f` when `a` is a number, else gives a fresh symbol. */
export function mapDim(a: Dim, f: (n: number) => number): Dim {
  return typeof a === "number" ? f(a) : unknownDim();
}

/** Resolves a possibly negative axis against a rank; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/**
 * Numpy broadcasting of several shapes; undefined when they are incompatible.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(broadcastDims([[3, 1], [4]]), [3, 4]);
 * ```
 */
export function broadcastDims(shapes: readonly (readonly Dim[])[]): Dim[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = i - (rank - s.length);
      if (k < 0) continue;
      const e = s[k];
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (e !== d) {
        if (typeof e === "number" && typeof d === "number") return undefined;
        if (typeof d !== "number") d = e;
      }
    }
    out.push(d);
  }
  return out;
}
