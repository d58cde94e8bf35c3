//! exp, ln and sqrt for `no_std` (core has none): scalar f64 versions accurate to a few
//! ulps, and a four-lane f32 exp for the softmax rows.
use crate::simd::madd;
use core::arch::wasm32::*;

const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// 1/i and 1/(2i+1), so the series below multiply instead of divide.
const INV: [f64; 14] = reciprocals(1, 0);
const INV_ODD: [f64; 14] = reciprocals(2, 1);

/// a[i] = 1/(mul·i + add); a[0] of INV is unused (infinite).
const fn reciprocals(mul: usize, add: usize) -> [f64; 14] {
    let mut a = [0.0; 14];
    let mut i = 0;
    while i < 14 {
        a[i] = 1.0 / (mul * i + add) as f64;
        i += 1;
    }
    a
}

/// √x (the wasm instruction, through lane 0).
#[inline(always)]
pub fn sqrt_f64(x: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_sqrt(f64x2_splat(x)))
}

/// 2^k for any k a finite result needs, as one or two exact scalings.
fn scale2(v: f64, k: i32) -> f64 {
    let pow = |e: i32| f64::from_bits(((e + 1023) as u64) << 52);
    if (-1022..=1023).contains(&k) {
        v * pow(k)
    } else {
        let h = k / 2;
        v * pow(h) * pow(k - h)
    }
}

/// e^x: x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^13.
pub fn exp_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_2 {
        return 0.0;
    }
    let t = x * core::f64::consts::LOG2_E;
    let k = (t + if t >= 0.0 { 0.5 } else { -0.5 }) as i32;
    let r = (x - k as f64 * LN2_HI) - k as f64 * LN2_LO;
    let mut p = 1.0;
    for i in (1..=13).rev() {
        p = 1.0 + p * r * INV[i];
    }
    scale2(p, k)
}

/// ln x: x = m·2^e with m in [√½, √2), ln m = 2·atanh((m-1)/(m+1)) by its series.
pub fn ln_f64(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x == f64::INFINITY {
        return x;
    }
    let (mut bits, mut e) = (x.to_bits(), 0i32);
    if bits >> 52 == 0 {
        bits = (x * f64::from_bits(0x4350_0000_0000_0000)).to_bits(); // × 2^54: subnormal
        e = -54;
    }
    e += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let f = (m - 1.0) / (m + 1.0);
    let s = f * f;
    let mut series = 0.0;
    for i in (0..=10).rev() {
        series = INV_ODD[i] + s * series;
    }
    e as f64 * LN2_HI + (2.0 * f * series + e as f64 * LN2_LO)
}

/// e^x in four lanes (Cephes' expf polynomial, within 2 ulps). Inputs clamp to
/// [-88, 88]: below, the result flushes to zero; softmax only feeds it x ≤ 0.
#[inline(always)]
pub fn exp_f32x4(x: v128) -> v128 {
    // Adding 1.5·2^23 rounds to an integer k held in the low mantissa bits, which then
    // shift straight into the exponent field of 2^k.
    const MAGIC: f32 = 12_582_912.0;
    let x = f32x4_pmin(f32x4_pmax(x, f32x4_splat(-88.0)), f32x4_splat(88.0));
    let t = madd(
        x,
        f32x4_splat(core::f32::consts::LOG2_E),
        f32x4_splat(MAGIC),
    );
    let k = f32x4_sub(t, f32x4_splat(MAGIC));
    let r = madd(k, f32x4_splat(-0.693_359_4), x);
    let r = madd(k, f32x4_splat(2.121_944_4e-4), r);
    let mut p = f32x4_splat(1.987_569_1e-4);
    for c in [
        1.398_2e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5,
    ] {
        p = madd(p, r, f32x4_splat(c));
    }
    let y = madd(f32x4_mul(p, r), r, f32x4_add(r, f32x4_splat(1.0)));
    f32x4_mul(y, i32x4_add(i32x4_shl(t, 23), i32x4_splat(127 << 23)))
}

/// Lane-wise max; NaN in either operand wins (cheaper than `f32x4_max` in engines).
#[inline(always)]
pub fn max_f32x4(a: v128, b: v128) -> v128 {
    v128_bitselect(b, f32x4_pmax(a, b), f32x4_ne(b, b))
}

/// Lane-wise min; NaN in either operand wins.
#[inline(always)]
pub fn min_f32x4(a: v128, b: v128) -> v128 {
    v128_bitselect(b, f32x4_pmin(a, b), f32x4_ne(b, b))
}

/// e^x for one f32, the same way as the lanes, so row tails match row bodies.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    f32x4_extract_lane::<0>(exp_f32x4(f32x4_splat(x)))
}
