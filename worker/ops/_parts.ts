/**
 * Cutting a kernel call into parts for the intra-op threads: how many parts, and which
 * units each covers.
 * @module
 */

/**
 * Parts per thread. Each part repeats the setup its kernel does per call (packing its
 * operands, copying a padded image), and measured on two threads one part each ran
 * 2–15% faster than two (PP-OCRv4 rec, openWakeWord embedding, PP-OCRv2 cls).
 */
const PARTS_PER_THREAD = 1;

/**
 * How many parts `work` over `units` indivisible units makes on `threads`, each part
 * doing at least `minPart` of the work (1: do not split).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(partCount(1000, 100, 2, 100), 2);
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
