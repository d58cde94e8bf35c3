//! Vector exp, tanh, sigmoid and log1p on f32x4 lanes, accurate to a few ulp (no libm in
//! `no_std`).
use crate::simd::madd;
use core::arch::wasm32::*;

/// Evaluates the polynomial with coefficients `c` (constant term first) at `x`.
#[inline(always)]
fn poly(x: v128, c: &[f32]) -> v128 {
    let mut acc = f32x4_splat(c[c.len() - 1]);
    for &k in c[..c.len() - 1].iter().rev() {
        acc = madd(acc, x, f32x4_splat(k));
    }
    acc
}

/// e^x; inputs are clamped to [-87.3, 88], the range whose results are normal f32.
#[inline(always)]
pub fn exp(x: v128) -> v128 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = f32x4_min(f32x4_max(x, f32x4_splat(-87.3)), f32x4_splat(88.0));
    let n = f32x4_nearest(f32x4_mul(x, f32x4_splat(core::f32::consts::LOG2_E)));
    let r = f32x4_sub(
        f32x4_sub(x, f32x4_mul(n, f32x4_splat(LN2_HI))),
        f32x4_mul(n, f32x4_splat(LN2_LO)),
    );
    // Taylor series of e^r on |r| <= ln2 / 2: the first dropped term is below 2^-24.
    let p = poly(
        r,
        &[
            1.0,
            1.0,
            0.5,
            1.0 / 6.0,
            1.0 / 24.0,
            1.0 / 120.0,
            1.0 / 720.0,
            1.0 / 5040.0,
        ],
    );
    let scale = i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(n), i32x4_splat(127)), 23);
    f32x4_mul(p, scale)
}

/// 1 / (1 + e^-x).
#[inline(always)]
pub fn sigmoid(x: v128) -> v128 {
    let one = f32x4_splat(1.0);
    f32x4_div(one, f32x4_add(one, exp(f32x4_neg(x))))
}

/// tanh(x): its odd Taylor series below |x| = 0.5 (where 1 - 2 / (e^2x + 1) would cancel),
/// that closed form above.
#[inline(always)]
pub fn tanh(x: v128) -> v128 {
    let a = f32x4_abs(x);
    let x2 = f32x4_mul(x, x);
    let series = f32x4_mul(
        x,
        poly(
            x2,
            &[
                1.0,
                -1.0 / 3.0,
                2.0 / 15.0,
                -17.0 / 315.0,
                62.0 / 2835.0,
                -1382.0 / 155_925.0,
                21_844.0 / 6_081_075.0,
                -929_569.0 / 638_512_875.0,
            ],
        ),
    );
    let one = f32x4_splat(1.0);
    let e = exp(f32x4_add(a, a));
    let closed = f32x4_sub(one, f32x4_div(f32x4_splat(2.0), f32x4_add(e, one)));
    let signed = v128_or(closed, v128_and(x, f32x4_splat(-0.0)));
    v128_bitselect(series, signed, f32x4_lt(a, f32x4_splat(0.5)))
}

/// ln(1 + y) for y in [0, 1], as 2·atanh(y / (2 + y)) whose series converges fast there.
#[inline(always)]
pub fn log1p_unit(y: v128) -> v128 {
    let u = f32x4_div(y, f32x4_add(f32x4_splat(2.0), y));
    let terms = [
        2.0,
        2.0 / 3.0,
        2.0 / 5.0,
        2.0 / 7.0,
        2.0 / 9.0,
        2.0 / 11.0,
        2.0 / 13.0,
        2.0 / 15.0,
    ];
    f32x4_mul(u, poly(f32x4_mul(u, u), &terms))
}
