/**
 * WGSL functions the math kernels' expressions call, computed in f32 whatever the tensor
 * type: NaN tests by bits, erf, ONNX Pow, exact fmod, accurate tanh and softplus.
 * @module
 */

/** WGSL: f32 infinity (a literal would be a constant-evaluation error). */
export const INFINITY = "bitcast<f32>(0x7f800000u)";

/** WGSL: f32 NaN. */
const NAN = "bitcast<f32>(0x7fc00000u)";

const MATH_FNS = `
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
fn erf_approx(v: f32) -> f32 {
  // Abramowitz-Stegun 7.1.26 refined: |error| < 1.2e-7 over the reals.
  let t = 1.0 / (1.0 + 0.5 * abs(v));
  let y = 1.0 - t * exp(-v * v - 1.26551223 + t * (1.00002368 + t * (0.37409196 +
    t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 +
    t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(-y, y, v >= 0.0);
}
fn pow_onnx(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return select(pow(a, b), select(0.0, ${INFINITY}, b < 0.0), a == 0.0); }
  if (b != floor(b)) { return ${NAN}; }
  let m = pow(-a, b);
  return select(m, -m, (abs(b) % 2.0) == 1.0);
}
fn fmod_exact(a: f32, b: f32) -> f32 {
  // C's fmod, exact: subtract b scaled by powers of two, largest first. Each subtraction
  // is exact because the remainder stays within [m, 2m) (Sterbenz), unlike a - b * trunc(a / b).
  if (is_nan(a) || is_nan(b) || is_inf(a) || b == 0.0) { return ${NAN}; }
  var r = abs(a);
  let d = abs(b);
  if (is_inf(b) || r < d) { return a; }
  var e = frexp(r).exp - frexp(d).exp;
  var m = ldexp(d, e);
  for (; e >= 0; e--) {
    if (r >= m) { r -= m; }
    m = m * 0.5;
  }
  return select(r, -r, a < 0.0);
}
fn mod_python(a: f32, b: f32) -> f32 {
  let r = fmod_exact(a, b);
  return select(r, r + b, r != 0.0 && ((r < 0.0) != (b < 0.0)));
}
fn log1p_exp(e: f32) -> f32 { return select(log(1.0 + e), e * (1.0 - 0.5 * e), e < 1e-4); }
fn tanh_acc(v: f32) -> f32 {
  // The builtin loses relative precision near 0 on some drivers; a series covers |v| < 0.1.
  let a = abs(v);
  let v2 = v * v;
  let small = v * (1.0 - v2 / 3.0 + 2.0 * v2 * v2 / 15.0 - 17.0 * v2 * v2 * v2 / 315.0);
  let e = exp(-2.0 * a);
  return select(sign(v) * (1.0 - e) / (1.0 + e), small, a < 0.1);
}
fn softplus(v: f32) -> f32 { return max(v, 0.0) + log1p_exp(exp(-abs(v))); }
`;

/**
 * `shader` with the math functions declared before its entry point.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.match(withMathFns("@compute fn main() {}"), /fn fmod_exact/);
 * ```
 */
export function withMathFns(shader: string): string {
  return shader.replace("@compute", `${MATH_FNS}\n@compute`);
}
