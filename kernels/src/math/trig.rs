//! Circular functions and their inverses.
use super::{floor, nearest, poly, sqrt};

/// π/2 in three parts of 33 significant bits, so `k * PIO2_1` and `k * PIO2_2` are exact
/// for |k| < 2^20: reduction stays accurate for |x| up to about 1.6e6 and degrades
/// gracefully beyond.
const PIO2_1: f64 = 1.5707963267341256;
const PIO2_2: f64 = 6.077100506303966e-11;
const PIO2_3: f64 = 2.0222662487959506e-21;
const FRAC_2_PI: f64 = 0.6366197723675814;
const PIO2_HI: f64 = 1.5707963267948966;
const PIO2_LO: f64 = 6.123233995736766e-17;
const PIO6_HI: f64 = 0.5235987755982989;
const PIO6_LO: f64 = -5.360408832255455e-17;
const SQRT3: f64 = 1.7320508075688772;
const TAN_PI_12: f64 = 0.2679491924311227;

/// x = k·π/2 + r with |r| ≤ π/4; returns r and k mod 4.
#[inline]
fn reduce(x: f64) -> (f64, u32) {
    let k = nearest(x * FRAC_2_PI);
    let r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_3;
    (r, (k - 4.0 * floor(k * 0.25)) as u32)
}

/// (-1)^k / (2k+1)! for k = 1..=8: sin r = r + r·z·P(z) with z = r², to r^17.
const SIN_SERIES: [f64; 8] = [
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5040.0,
    1.0 / 362880.0,
    -1.0 / 39916800.0,
    1.0 / 6227020800.0,
    -1.0 / 1307674368000.0,
    1.0 / 355687428096000.0,
];

/// (-1)^k / (2k)! for k = 1..=9: cos r = 1 + z·Q(z) with z = r², to r^18.
const COS_SERIES: [f64; 9] = [
    -1.0 / 2.0,
    1.0 / 24.0,
    -1.0 / 720.0,
    1.0 / 40320.0,
    -1.0 / 3628800.0,
    1.0 / 479001600.0,
    -1.0 / 87178291200.0,
    1.0 / 20922789888000.0,
    -1.0 / 6402373705728000.0,
];

/// sin r for |r| ≤ π/4.
#[inline]
fn sin_poly(r: f64) -> f64 {
    let z = r * r;
    r + r * z * poly(z, &SIN_SERIES)
}

/// cos r for |r| ≤ π/4.
#[inline]
fn cos_poly(r: f64) -> f64 {
    let z = r * r;
    1.0 + z * poly(z, &COS_SERIES)
}

pub fn sin(x: f64) -> f64 {
    let (r, q) = reduce(x);
    match q {
        0 => sin_poly(r),
        1 => cos_poly(r),
        2 => -sin_poly(r),
        _ => -cos_poly(r),
    }
}

pub fn cos(x: f64) -> f64 {
    let (r, q) = reduce(x);
    match q {
        0 => cos_poly(r),
        1 => -sin_poly(r),
        2 => -cos_poly(r),
        _ => sin_poly(r),
    }
}

pub fn tan(x: f64) -> f64 {
    let (r, q) = reduce(x);
    let (s, c) = (sin_poly(r), cos_poly(r));
    if q & 1 == 0 {
        s / c
    } else {
        -c / s
    }
}

/// (-1)^k / (2k+1) for k = 1..=14: atan's series in powers of t², exhausted for
/// |t| ≤ tan(π/12).
const ATAN_SERIES: [f64; 14] = [
    -1.0 / 3.0,
    1.0 / 5.0,
    -1.0 / 7.0,
    1.0 / 9.0,
    -1.0 / 11.0,
    1.0 / 13.0,
    -1.0 / 15.0,
    1.0 / 17.0,
    -1.0 / 19.0,
    1.0 / 21.0,
    -1.0 / 23.0,
    1.0 / 25.0,
    -1.0 / 27.0,
    1.0 / 29.0,
];

pub fn atan(x: f64) -> f64 {
    let mut a = x.abs();
    let invert = a > 1.0;
    if invert {
        a = 1.0 / a; // atan a = π/2 - atan(1/a)
    }
    let shift = a > TAN_PI_12;
    if shift {
        a = (a * SQRT3 - 1.0) / (SQRT3 + a); // atan a = π/6 + atan((a√3 - 1)/(√3 + a))
    }
    let z = a * a;
    let mut r = a + a * z * poly(z, &ATAN_SERIES);
    if shift {
        r = PIO6_HI + (r + PIO6_LO);
    }
    if invert {
        r = PIO2_HI - (r - PIO2_LO);
    }
    r.copysign(x)
}

/// asin x = atan(x / √(1 - x²)), with 1 - x² factored to stay exact near ±1.
pub fn asin(x: f64) -> f64 {
    atan(x / sqrt((1.0 - x) * (1.0 + x)))
}

/// acos x = 2·atan(√((1 - x)/(1 + x))).
pub fn acos(x: f64) -> f64 {
    2.0 * atan(sqrt((1.0 - x) / (1.0 + x)))
}
