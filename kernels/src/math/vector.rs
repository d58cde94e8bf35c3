//! f32x4 versions of the functions the activations, softmax and recurrent gates need.
//! Each agrees with its f64 reference in `math` to a couple of ulp.
use crate::simd::madd;
use core::arch::wasm32::*;

const LOG2E: f32 = 1.442695;
/// ln 2 in 12 significant bits, so `k * LN2_HI` is exact for every exponent k of f32.
const LN2_HI: f32 = 0.693115234375;
const LN2_LO: f32 = 3.1946184945309415e-5;

#[inline(always)]
fn splat(v: f32) -> v128 {
    f32x4_splat(v)
}

/// c[0] + z·c[1] + z²·c[2] + ... by Horner's rule.
#[inline(always)]
fn poly(z: v128, c: &[f32]) -> v128 {
    let (&last, rest) = c.split_last().unwrap_or((&0.0, &[]));
    rest.iter()
        .rev()
        .fold(splat(last), |acc, &k| madd(acc, z, splat(k)))
}

/// 1/n! for n = 2..=7: e^r - 1 = r + r²·P(r), exhausted for |r| ≤ ln2/2 in f32.
const INV_FACT: [f32; 6] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
];

/// x = k·ln2 + r with |r| ≤ ln2/2; returns (r, k).
#[inline(always)]
fn reduce_ln2(x: v128) -> (v128, v128) {
    let k = f32x4_nearest(f32x4_mul(x, splat(LOG2E)));
    let r = f32x4_sub(
        f32x4_sub(x, f32x4_mul(k, splat(LN2_HI))),
        f32x4_mul(k, splat(LN2_LO)),
    );
    (r, k)
}

#[inline(always)]
fn expm1_small(r: v128) -> v128 {
    madd(f32x4_mul(r, r), poly(r, &INV_FACT), r)
}

/// 2^k for integral k in [-126, 127]. Adding 2^23 + 127 leaves k + 127 in the low
/// mantissa bits, which the shift moves into the exponent field (cheaper than a
/// float-to-int conversion).
#[inline(always)]
fn pow2(k: v128) -> v128 {
    i32x4_shl(f32x4_add(k, splat(8388735.0)), 23)
}

/// e^x.
#[inline(always)]
pub fn exp(x: v128) -> v128 {
    // Clamping keeps k in [-150, 128]; 2^k is applied in two halves so that subnormal
    // results and overflow to infinity both come out right. NaN passes through.
    let x = f32x4_max(f32x4_min(x, splat(89.0)), splat(-104.0));
    let (r, k) = reduce_ln2(x);
    let k1 = f32x4_floor(f32x4_mul(k, splat(0.5)));
    let p = f32x4_add(expm1_small(r), splat(1.0));
    f32x4_mul(f32x4_mul(p, pow2(k1)), pow2(f32x4_sub(k, k1)))
}

/// e^x for one f32, the same way as the lanes, so a row's tail matches its body.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    f32x4_extract_lane::<0>(exp(f32x4_splat(x)))
}

/// e^x - 1, accurate near zero, for x ≤ 88 (callers clamp; larger x would overflow 2^k).
#[inline(always)]
pub fn expm1(x: v128) -> v128 {
    let x = f32x4_max(x, splat(-25.0)); // e^-25 is below half an ulp of 1
    let (r, k) = reduce_ln2(x);
    let s = pow2(k);
    // e^x - 1 = 2^k (e^r - 1) + (2^k - 1): exact when k = 0.
    madd(s, expm1_small(r), f32x4_sub(s, splat(1.0)))
}

/// 1/(1 + e^-x), as e^x/(1 + e^x) below zero so tiny results keep their precision.
#[inline(always)]
pub fn sigmoid(x: v128) -> v128 {
    let e = exp(f32x4_neg(f32x4_abs(x)));
    let r = f32x4_div(splat(1.0), f32x4_add(splat(1.0), e));
    v128_bitselect(f32x4_mul(e, r), r, f32x4_lt(x, splat(0.0)))
}

/// tanh x = e/(e + 2) with e = e^{2|x|} - 1, which keeps precision near zero.
#[inline(always)]
pub fn tanh(x: v128) -> v128 {
    let a = f32x4_min(f32x4_abs(x), splat(10.0)); // tanh 10 rounds to 1
    let e = expm1(f32x4_add(a, a));
    copysign(f32x4_div(e, f32x4_add(e, splat(2.0))), x)
}

/// |m| with the sign of `s`.
#[inline(always)]
pub fn copysign(m: v128, s: v128) -> v128 {
    v128_bitselect(s, m, f32x4_splat(-0.0))
}

/// 2/(2k+1) for k = 1..=4: 2·atanh(s)/s - 2 in powers of s², exhausted for f32.
const ATANH_SERIES: [f32; 4] = [2.0 / 3.0, 2.0 / 5.0, 2.0 / 7.0, 2.0 / 9.0];

/// The natural logarithm (NaN below zero, -inf at zero).
#[inline(always)]
pub fn ln(x: v128) -> v128 {
    // Subnormals are scaled into the normal range first.
    let sub = f32x4_lt(x, splat(f32::MIN_POSITIVE));
    let xs = v128_bitselect(f32x4_mul(x, splat(8388608.0)), x, sub);
    let bits = xs;
    let mut e = f32x4_convert_i32x4(i32x4_sub(u32x4_shr(bits, 23), i32x4_splat(127)));
    e = f32x4_sub(e, v128_and(sub, splat(23.0)));
    let mut m = v128_or(v128_and(bits, i32x4_splat(0x007f_ffff)), splat(1.0));
    let big = f32x4_gt(m, splat(core::f32::consts::SQRT_2));
    m = v128_bitselect(f32x4_mul(m, splat(0.5)), m, big);
    e = f32x4_add(e, v128_and(big, splat(1.0)));
    // ln(1+f) = 2·atanh(s), s = f/(2+f), written as f - s(f - R) to keep f exact.
    let f = f32x4_sub(m, splat(1.0));
    let s = f32x4_div(f, f32x4_add(f, splat(2.0)));
    let z = f32x4_mul(s, s);
    let ln_m = f32x4_sub(
        f,
        f32x4_mul(s, f32x4_sub(f, f32x4_mul(z, poly(z, &ATANH_SERIES)))),
    );
    let r = madd(e, splat(LN2_HI), madd(e, splat(LN2_LO), ln_m));
    let r = v128_bitselect(r, splat(f32::NAN), f32x4_gt(x, splat(0.0)));
    let r = v128_bitselect(splat(f32::NEG_INFINITY), r, f32x4_eq(x, splat(0.0)));
    v128_bitselect(x, r, f32x4_eq(x, splat(f32::INFINITY)))
}

/// erf x / x in powers of x², for |x| < ERF_SPLIT (least-squares fit, 3e-10 relative).
const ERF_SMALL: [f32; 7] = [
    1.128379225730896,
    -0.37612634897232056,
    0.1128372922539711,
    -0.02686120755970478,
    0.0052054263651371,
    -0.0008192117093130946,
    8.578752749599516e-05,
];

/// ln(1 - erf x) in powers of x on [ERF_SPLIT, 5] (fit; erfc within 5e-6 relative).
const ERF_LARGE: [f32; 10] = [
    0.0004269682976882905,
    -1.1307508945465088,
    -0.6307576298713684,
    -0.11131588369607925,
    0.027305137366056442,
    -0.00516606355085969,
    0.0007172339246608317,
    -6.828412733739242e-05,
    3.96153063775273e-06,
    -1.0519290327692943e-07,
];
const ERF_SPLIT: f32 = 0.9;

/// erf x for |x| < ERF_SPLIT.
#[inline(always)]
fn erf_small(x: v128) -> v128 {
    f32x4_mul(x, poly(f32x4_mul(x, x), &ERF_SMALL))
}

/// 1 - erf a for a ≥ ERF_SPLIT, taken as 0 beyond the fit's end at 5 (erfc 5 is 1.5e-12,
/// so Gelu's products of it stay under 1e-11).
#[inline(always)]
fn erfc_large(a: v128) -> v128 {
    let end = splat(5.0);
    let tail = exp(poly(f32x4_min(a, end), &ERF_LARGE));
    v128_andnot(tail, f32x4_gt(a, end))
}

/// The error function.
#[inline(always)]
pub fn erf(x: v128) -> v128 {
    let a = f32x4_abs(x);
    let large = copysign(f32x4_sub(splat(1.0), erfc_large(a)), x);
    v128_bitselect(erf_small(x), large, f32x4_lt(a, splat(ERF_SPLIT)))
}

/// Gelu: x·(1 + erf(x/√2))/2. For x/√2 ≤ -ERF_SPLIT, 1 + erf is the erfc tail itself,
/// so the result keeps its relative precision instead of cancelling.
#[inline(always)]
pub fn gelu_erf(x: v128) -> v128 {
    let u = f32x4_mul(x, splat(core::f32::consts::FRAC_1_SQRT_2));
    let a = f32x4_abs(u);
    let tail = erfc_large(a);
    let large = v128_bitselect(tail, f32x4_sub(splat(2.0), tail), f32x4_lt(u, splat(0.0)));
    let one_plus = v128_bitselect(
        f32x4_add(splat(1.0), erf_small(u)),
        large,
        f32x4_lt(a, splat(ERF_SPLIT)),
    );
    f32x4_mul(f32x4_mul(x, splat(0.5)), one_plus)
}

/// ln(1 + u) for finite u > -1, correcting for the rounding of 1 + u.
#[inline(always)]
pub fn log1p(u: v128) -> v128 {
    let w = f32x4_add(splat(1.0), u);
    let fix = f32x4_div(f32x4_sub(u, f32x4_sub(w, splat(1.0))), w);
    f32x4_add(ln(w), fix)
}

/// Lane-wise max; NaN in either operand wins (cheaper than `f32x4_max` in engines).
#[inline(always)]
pub fn max(a: v128, b: v128) -> v128 {
    v128_bitselect(b, f32x4_pmax(a, b), f32x4_ne(b, b))
}

/// Lane-wise min; NaN in either operand wins.
#[inline(always)]
pub fn min(a: v128, b: v128) -> v128 {
    v128_bitselect(b, f32x4_pmin(a, b), f32x4_ne(b, b))
}
