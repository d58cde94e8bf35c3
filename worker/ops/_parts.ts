/**
 * Cutting a kernel call into parts for the intra-op threads: how many parts, and which
 * units each covers.
 * @module
 */

/**
 * Parts per thread: threads claim parts as they get to them, so a thread the OS runs late
 * leaves its share to the others instead of holding the caller up.
 */
const PARTS_PER_THREAD = 2;

/**
 * How many parts `work` over `units` indivisible units makes on `threads`, each part
 * doing at least `minPart` of the work (1: do not split).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(partCount(1000, 100, 2, 100), 4);
 * assert.equal(partCount(1000, 100, 1, 100), 1);
 * ```
 */
export function partCount(work: number, units: number, threads: number, minPart: number): number {
  if (threads < 2) return 1;
  return Math.min(threads * PARTS_PER_THREAD, units, Math.floor(work / minPart));
}

/**
 * Unit ranges [u0, u1) of `count` near-equal parts of `units`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(ranges(5, 2), [[0, 2], [2, 5]]);
 * ```
 */
export function ranges(units: number, count: number): [number, number][] {
  return Array.from({ length: count }, (_, p) => [
    Math.floor((p * units) / count),
    Math.floor(((p + 1) * units) / count),
  ]);
}
