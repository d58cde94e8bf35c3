//! float64 unary kernels, one element at a time over the f64 math library. They are
//! also the reference the f32 vector kernels are checked against.
use super::num::Num;
use super::unary::{map, Params, UnaryOp};
use crate::math;
use core::f64::consts::FRAC_1_SQRT_2;

/// √(2/π), Gelu's tanh approximation's scale.
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

/// The f64 function of the ops that have no vector version in any type.
pub fn libm(op: UnaryOp) -> Option<fn(f64) -> f64> {
    use UnaryOp::*;
    Some(match op {
        Sin => math::sin,
        Cos => math::cos,
        Tan => math::tan,
        Asin => math::asin,
        Acos => math::acos,
        Atan => math::atan,
        Sinh => math::sinh,
        Cosh => math::cosh,
        Asinh => math::asinh,
        Acosh => math::acosh,
        Atanh => math::atanh,
        _ => return None,
    })
}

/// max(x, 0) + ln(1 + e^-|x|): ln(1 + e^x) without overflow.
fn softplus(v: f64) -> f64 {
    Num::max(v, 0.0) + math::log1p(math::exp(-v.abs()))
}

/// min(max(v, 0), 1), propagating NaN.
fn unit_clamp(v: f64) -> f64 {
    Num::min(Num::max(v, 0.0), 1.0)
}

pub fn unary(op: UnaryOp, x: &[f64], y: &mut [f64], p: Params) {
    use UnaryOp::*;
    let (a, b) = (p.alpha, p.beta);
    if let Some(f) = libm(op) {
        return map(x, y, f);
    }
    match op {
        Abs => map(x, y, f64::abs),
        Neg => map(x, y, |v| -v),
        Sign => map(x, y, Num::sign),
        Relu => map(x, y, |v| Num::max(v, 0.0)),
        Sqrt => map(x, y, math::sqrt),
        Exp => map(x, y, math::exp),
        Log => map(x, y, math::ln),
        Reciprocal => map(x, y, |v| 1.0 / v),
        Floor => map(x, y, math::floor),
        Ceil => map(x, y, math::ceil),
        Round => map(x, y, math::nearest),
        Erf => map(x, y, math::erf),
        LeakyRelu => map(x, y, |v| if v < 0.0 { a * v } else { v }),
        Elu => map(x, y, |v| if v < 0.0 { a * math::expm1(v) } else { v }),
        Selu => map(x, y, |v| b * if v <= 0.0 { a * math::expm1(v) } else { v }),
        Celu => map(x, y, |v| {
            Num::max(v, 0.0) + Num::min(a * math::expm1(v / a), 0.0)
        }),
        Sigmoid => map(x, y, |v| {
            // Both branches divide by a number ≥ 1, so neither loses precision.
            if v >= 0.0 {
                1.0 / (1.0 + math::exp(-v))
            } else {
                let e = math::exp(v);
                e / (1.0 + e)
            }
        }),
        HardSigmoid => map(x, y, |v| unit_clamp(a * v + b)),
        HardSwish => map(x, y, |v| v * unit_clamp(v / 6.0 + 0.5)),
        Tanh => map(x, y, math::tanh),
        GeluErf => map(x, y, |v| 0.5 * v * (1.0 + math::erf(v * FRAC_1_SQRT_2))),
        GeluTanh => map(x, y, |v| {
            0.5 * v * (1.0 + math::tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)))
        }),
        Softplus => map(x, y, softplus),
        Softsign => map(x, y, |v| v / (1.0 + v.abs())),
        Mish => map(x, y, |v| v * math::tanh(softplus(v))),
        ThresholdedRelu => map(x, y, |v| if v > a { v } else { 0.0 }),
        DivScalar => map(x, y, |v| v / a),
        Sin | Cos | Tan | Asin | Acos | Atan | Sinh | Cosh | Asinh | Acosh | Atanh => {}
    }
}
