//! The few transcendental functions the nn kernels need, since `no_std` has no libm:
//! vectorized `exp` (sigmoid, tanh) and scalar `ln`/`sqrt`/`powf` (LpPool).
use core::arch::wasm32::*;

const LOG2E: f32 = core::f32::consts::LOG2_E;
// ln 2 split in a part exact in f32 and the rest, so n·ln2 subtracts without rounding.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;

/// e^x on four lanes, within about 2 ulp; saturates to 0 and +inf outside f32's range.
#[inline(always)]
pub fn exp4(x: v128) -> v128 {
    let x = f32x4_max(f32x4_min(x, f32x4_splat(88.72)), f32x4_splat(-103.0));
    let n = f32x4_nearest(f32x4_mul(x, f32x4_splat(LOG2E)));
    let r = f32x4_sub(x, f32x4_mul(n, f32x4_splat(LN2_HI)));
    let r = f32x4_sub(r, f32x4_mul(n, f32x4_splat(LN2_LO)));
    // Taylor terms to r^7 for |r| <= ln2/2: truncation below 1e-8 relative.
    let mut p = f32x4_splat(1.0 / 5040.0);
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = f32x4_add(f32x4_mul(p, r), f32x4_splat(c));
    }
    // 2^n built in two halves so n down to -149 (subnormal results) stays exact.
    let n = i32x4_trunc_sat_f32x4(n);
    let half = i32x4_shr(n, 1);
    let s1 = i32x4_shl(i32x4_add(half, i32x4_splat(127)), 23);
    let s2 = i32x4_shl(i32x4_add(i32x4_sub(n, half), i32x4_splat(127)), 23);
    f32x4_mul(f32x4_mul(p, s1), s2)
}

/// e^x.
pub fn exp(x: f32) -> f32 {
    f32x4_extract_lane::<0>(exp4(f32x4_splat(x)))
}

/// The square root.
pub fn sqrt(x: f32) -> f32 {
    f32x4_extract_lane::<0>(f32x4_sqrt(f32x4_splat(x)))
}

/// The natural logarithm of a positive finite number (NaN below zero, -inf at zero).
pub fn ln(x: f32) -> f32 {
    if x.is_nan() || x < 0.0 {
        return f32::NAN;
    }
    if x == 0.0 {
        return f32::NEG_INFINITY;
    }
    if x == f32::INFINITY {
        return x;
    }
    // Scale subnormals up so the exponent field is meaningful.
    let (x, bias) = if x < f32::MIN_POSITIVE {
        (x * 8_388_608.0, -23)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32 - 127 + bias;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > core::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(u), u = (m-1)/(m+1), |u| < 0.172: the odd series to u^11 suffices.
    let u = (m - 1.0) / (m + 1.0);
    let u2 = u * u;
    let mut s = 1.0 / 11.0;
    for c in [1.0 / 9.0, 1.0 / 7.0, 1.0 / 5.0, 1.0 / 3.0, 1.0] {
        s = s * u2 + c;
    }
    2.0 * u * s + e as f32 * core::f32::consts::LN_2
}

/// x^p for x >= 0; exact repeated multiplication for small integral p.
pub fn powf(x: f32, p: f32) -> f32 {
    if p == (p as i32) as f32 && (1.0..=16.0).contains(&p) {
        let mut r = x;
        for _ in 1..p as i32 {
            r *= x;
        }
        return r;
    }
    if p == 0.5 {
        return sqrt(x);
    }
    if x == 0.0 {
        return if p > 0.0 { 0.0 } else { f32::INFINITY };
    }
    exp(p * ln(x))
}
