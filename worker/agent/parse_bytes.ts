/**
 * Sizes as people write them: "512M", "4G", "1048576".
 * @module
 */

const UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * Bytes in a size string.
 * @throws {RangeError} on anything else
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(parseBytes("4G"), 4 * 2 ** 30);
 * ```
 */
export function parseBytes(text: string): number {
  const m = text.trim().toUpperCase().match(/^(\d+(?:\.\d+)?)\s*([KMGT]?)I?B?$/);
  if (!m) throw new RangeError(`Cannot read size "${text}": write it like 512M or 4G`);
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}
