//! Elementary functions for every family, written here because a `no_std` crate has no
//! libm. The double-precision ones in this file are the reference the f32x4 versions in
//! [`vector`] are checked against, and compute float64 tensors and the f32 ops without a
//! vector version. Accuracy is a few ulp.
use core::arch::wasm32::*;

mod hyper;
mod special;
mod trig;
pub mod vector;

pub use hyper::{acosh, asinh, atanh, cosh, sinh, tanh};
pub use special::{erf, pow};
pub use trig::{acos, asin, atan, cos, sin, tan};

pub const LN2: f64 = 0.6931471805599453;
/// ln 2 in 32 significant bits, so `k * LN2_HI` is exact for |k| < 2^21.
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const LOG2E: f64 = 1.4426950408889634;
const SQRT2: f64 = 1.4142135623730951;

/// √x (the wasm instruction, reached through a one-lane vector).
#[inline]
pub fn sqrt(x: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_sqrt(f64x2_splat(x)))
}

/// The integer nearest to x, ties to even.
#[inline]
pub fn nearest(x: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_nearest(f64x2_splat(x)))
}

#[inline]
pub fn floor(x: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_floor(f64x2_splat(x)))
}

#[inline]
pub fn ceil(x: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_ceil(f64x2_splat(x)))
}

/// c[0] + z·c[1] + z²·c[2] + ... by Horner's rule.
#[inline(always)]
fn poly(z: f64, c: &[f64]) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * z + k)
}

/// x · 2^k, in steps that keep each factor a normal power of two.
pub fn scale2(mut x: f64, k: i32) -> f64 {
    let mut k = k.clamp(-2200, 2200);
    while k > 1023 {
        x *= f64::from_bits(2046 << 52);
        k -= 1023;
    }
    while k < -1022 {
        x *= f64::from_bits(1 << 52);
        k += 1022;
    }
    x * f64::from_bits(((k + 1023) as u64) << 52)
}

/// 1/n! for n = 2..=14: Taylor coefficients of e^r - 1 - r.
const INV_FACT: [f64; 13] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362880.0,
    1.0 / 3628800.0,
    1.0 / 39916800.0,
    1.0 / 479001600.0,
    1.0 / 6227020800.0,
    1.0 / 87178291200.0,
];

/// e^r - 1 for |r| ≤ ln2 / 2, where the Taylor series is exhausted by r^14.
#[inline]
fn expm1_small(r: f64) -> f64 {
    r + r * r * poly(r, &INV_FACT)
}

/// x = k·ln2 + r with |r| ≤ ln2 / 2.
#[inline]
fn reduce_ln2(x: f64) -> (f64, i32) {
    let k = nearest(x * LOG2E);
    ((x - k * LN2_HI) - k * LN2_LO, k as i32)
}

/// e^x.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.782712893384 {
        return f64::INFINITY;
    }
    if x < -745.1332191019412 {
        return 0.0;
    }
    let (r, k) = reduce_ln2(x);
    scale2(1.0 + expm1_small(r), k)
}

/// e^x - 1, accurate near zero.
pub fn expm1(x: f64) -> f64 {
    if x.abs() < 0.5 * LN2 {
        return expm1_small(x);
    }
    if x.is_nan() || x > 700.0 {
        return exp(x);
    }
    if x < -40.0 {
        return -1.0;
    }
    // e^x - 1 = 2^k (e^r - 1) + (2^k - 1); the second term is exact for small k.
    let (r, k) = reduce_ln2(x);
    let s = f64::from_bits(((k + 1023) as u64) << 52);
    s * expm1_small(r) + (s - 1.0)
}

/// 2/(2k+1) for k = 1..=10: the series of 2·atanh(s)/s - 2 in powers of s².
const ATANH_SERIES: [f64; 10] = [
    2.0 / 3.0,
    2.0 / 5.0,
    2.0 / 7.0,
    2.0 / 9.0,
    2.0 / 11.0,
    2.0 / 13.0,
    2.0 / 15.0,
    2.0 / 17.0,
    2.0 / 19.0,
    2.0 / 21.0,
];

/// The natural logarithm.
pub fn ln(x: f64) -> f64 {
    if !(x > 0.0) || x == f64::INFINITY {
        return if x == 0.0 {
            f64::NEG_INFINITY
        } else if x > 0.0 {
            x
        } else {
            f64::NAN
        };
    }
    let (mut bits, mut e) = (x.to_bits(), -1023);
    if bits < 1 << 52 {
        bits = (x * f64::from_bits((1023 + 54) << 52)).to_bits(); // subnormal: scale by 2^54
        e -= 54;
    }
    e += (bits >> 52) as i32;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    if m > SQRT2 {
        m *= 0.5;
        e += 1;
    }
    // ln(1+f) = 2·atanh(s) with s = f/(2+f), written as f - s(f - R) to keep f exact.
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let ln_m = f - s * (f - z * poly(z, &ATANH_SERIES));
    let k = e as f64;
    k * LN2_HI + (ln_m + k * LN2_LO)
}

/// ln(1 + x), accurate near zero.
pub fn log1p(x: f64) -> f64 {
    let u = 1.0 + x;
    if u == 1.0 {
        x
    } else if u.is_infinite() || u <= 0.0 {
        ln(u)
    } else {
        // Corrects for the rounding of 1 + x (Goldberg's trick).
        ln(u) * (x / (u - 1.0))
    }
}
