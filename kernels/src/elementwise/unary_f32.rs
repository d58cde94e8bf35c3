//! float32 unary kernels on SIMD128, four lanes at a time. The circular and hyperbolic
//! functions, rare in models, compute in f64 one element at a time.
use super::unary::{map, Params, UnaryOp};
use super::unary_f64::libm;
use crate::math::vector::{self, copysign};
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// √(2/π), Gelu's tanh approximation's scale.
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

/// y = f(x) four lanes at a time; the tail goes through a zero-padded vector.
#[inline(always)]
pub fn map4(x: &[f32], y: &mut [f32], f: impl Fn(v128) -> v128) {
    let n = x.len().min(y.len());
    let n4 = n / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f(load(x, i)));
    }
    if n4 < n {
        let (mut t, mut r) = ([0.0f32; 4], [0.0f32; 4]);
        t[..n - n4].copy_from_slice(&x[n4..n]);
        store(&mut r, 0, f(load(&t, 0)));
        y[n4..n].copy_from_slice(&r[..n - n4]);
    }
}

#[inline(always)]
fn splat(v: f32) -> v128 {
    f32x4_splat(v)
}

/// min(max(v, lo), hi), propagating NaN.
#[inline(always)]
pub fn clamp4(v: v128, lo: v128, hi: v128) -> v128 {
    f32x4_min(f32x4_max(v, lo), hi)
}

/// `on` where `mask` is set, else `off`.
#[inline(always)]
fn select(mask: v128, on: v128, off: v128) -> v128 {
    v128_bitselect(on, off, mask)
}

/// alpha·(e^min(v,0) - 1): the negative side of the ELU family.
#[inline(always)]
fn elu_neg(v: v128, alpha: v128) -> v128 {
    f32x4_mul(alpha, vector::expm1(f32x4_min(v, splat(0.0))))
}

pub fn unary(op: UnaryOp, x: &[f32], y: &mut [f32], p: Params) {
    use UnaryOp::*;
    let (a, b) = (splat(p.alpha as f32), splat(p.beta as f32));
    let (zero, one) = (splat(0.0), splat(1.0));
    match op {
        Abs => map4(x, y, |v| f32x4_abs(v)),
        Neg => map4(x, y, |v| f32x4_neg(v)),
        Sign => map4(x, y, |v| {
            let nonzero = v128_and(f32x4_ne(v, zero), f32x4_eq(v, v));
            select(nonzero, copysign(one, v), v)
        }),
        Relu => map4(x, y, |v| f32x4_max(v, zero)),
        Sqrt => map4(x, y, |v| f32x4_sqrt(v)),
        Exp => map4(x, y, vector::exp),
        Log => map4(x, y, vector::ln),
        Reciprocal => map4(x, y, |v| f32x4_div(one, v)),
        Floor => map4(x, y, |v| f32x4_floor(v)),
        Ceil => map4(x, y, |v| f32x4_ceil(v)),
        Round => map4(x, y, |v| f32x4_nearest(v)),
        Erf => map4(x, y, vector::erf),
        LeakyRelu => map4(x, y, |v| select(f32x4_lt(v, zero), f32x4_mul(a, v), v)),
        Elu => map4(x, y, |v| select(f32x4_lt(v, zero), elu_neg(v, a), v)),
        Selu => map4(x, y, |v| {
            f32x4_mul(b, select(f32x4_le(v, zero), elu_neg(v, a), v))
        }),
        Celu => map4(x, y, |v| {
            let neg = f32x4_mul(a, vector::expm1(f32x4_div(f32x4_min(v, zero), a)));
            f32x4_add(f32x4_max(v, zero), f32x4_min(neg, zero))
        }),
        Sigmoid => map4(x, y, vector::sigmoid),
        HardSigmoid => map4(x, y, |v| clamp4(madd(a, v, b), zero, one)),
        HardSwish => map4(x, y, |v| {
            f32x4_mul(v, clamp4(madd(v, splat(1.0 / 6.0), splat(0.5)), zero, one))
        }),
        Tanh => map4(x, y, vector::tanh),
        GeluErf => map4(x, y, vector::gelu_erf),
        GeluTanh => map4(x, y, |v| {
            // 0.5·(1 + tanh u) = sigmoid(2u)
            let cubic = madd(f32x4_mul(f32x4_mul(v, v), v), splat(0.044715), v);
            f32x4_mul(
                v,
                vector::sigmoid(f32x4_mul(cubic, splat(2.0 * SQRT_2_OVER_PI))),
            )
        }),
        Softplus => map4(x, y, |v| {
            let tail = vector::log1p(vector::exp(f32x4_neg(f32x4_abs(v))));
            f32x4_add(f32x4_max(v, zero), tail)
        }),
        Softsign => map4(x, y, |v| f32x4_div(v, f32x4_add(one, f32x4_abs(v)))),
        Mish => map4(x, y, |v| {
            // tanh(ln(1 + e)) = n/(n + 2) with n = e(e + 2); e^20 already saturates it.
            let e = vector::exp(f32x4_min(v, splat(20.0)));
            let n = f32x4_mul(e, f32x4_add(e, splat(2.0)));
            f32x4_mul(v, f32x4_div(n, f32x4_add(n, splat(2.0))))
        }),
        ThresholdedRelu => map4(x, y, |v| select(f32x4_gt(v, a), v, zero)),
        DivScalar => map4(x, y, |v| f32x4_div(v, a)),
        Sin | Cos | Tan | Asin | Acos | Atan | Sinh | Cosh | Asinh | Acosh | Atanh => {
            if let Some(f) = libm(op) {
                map(x, y, |v| f(v as f64) as f32);
            }
        }
    }
}

/// Clip: y = min(max(x, lo), hi); an absent bound is ±infinity.
pub fn clip(x: &[f32], y: &mut [f32], lo: Option<f32>, hi: Option<f32>) {
    let lo = splat(lo.unwrap_or(f32::NEG_INFINITY));
    let hi = splat(hi.unwrap_or(f32::INFINITY));
    map4(x, y, |v| clamp4(v, lo, hi));
}
