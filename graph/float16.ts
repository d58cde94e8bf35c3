/**
 * IEEE half-precision conversions for host-side data (feeds, constants, tests).
 * @module
 */

/**
 * The float32 value of half-precision bits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(float16ToFloat32(0x3c00), 1);
 * ```
 */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
