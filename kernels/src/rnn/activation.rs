//! The activation functions recurrent ops accept, applied in place over gate slices.
use super::vector::clip;
use crate::math::vector::{exp, log1p, sigmoid, tanh};
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// One activation with its alpha and beta (unused ones are ignored).
#[derive(Clone, Copy)]
pub struct Activation {
    kind: Kind,
    alpha: f32,
    beta: f32,
}

#[derive(Clone, Copy)]
enum Kind {
    Relu,
    Tanh,
    Sigmoid,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
    Softplus,
}

const KINDS: [Kind; 11] = [
    Kind::Relu,
    Kind::Tanh,
    Kind::Sigmoid,
    Kind::Affine,
    Kind::LeakyRelu,
    Kind::ThresholdedRelu,
    Kind::ScaledTanh,
    Kind::HardSigmoid,
    Kind::Elu,
    Kind::Softsign,
    Kind::Softplus,
];

impl Activation {
    /// The activation with code `code` (the order of ONNX's list: Relu, Tanh, Sigmoid,
    /// Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign,
    /// Softplus); None for an unknown code.
    pub fn new(code: i32, alpha: f32, beta: f32) -> Option<Activation> {
        let kind = *KINDS.get(usize::try_from(code).ok()?)?;
        Some(Activation { kind, alpha, beta })
    }

    /// v = f(v), four lanes at a time (a short tail goes through a padded vector).
    pub fn apply(&self, v: &mut [f32]) {
        let n4 = v.len() / 4 * 4;
        for i in (0..n4).step_by(4) {
            store(v, i, self.lanes(load(v, i)));
        }
        if n4 < v.len() {
            let mut tail = [0.0f32; 4];
            let rest = v.len() - n4;
            tail[..rest].copy_from_slice(&v[n4..]);
            let lanes = self.lanes(load(&tail, 0));
            store(&mut tail, 0, lanes);
            v[n4..].copy_from_slice(&tail[..rest]);
        }
    }

    /// v = f(clamp(v, -bound, bound)), clipping only when a bound is given.
    pub fn apply_clipped(&self, v: &mut [f32], bound: Option<f32>) {
        if let Some(bound) = bound {
            clip(v, bound);
        }
        self.apply(v);
    }

    fn lanes(&self, x: v128) -> v128 {
        let (a, b, zero) = (
            f32x4_splat(self.alpha),
            f32x4_splat(self.beta),
            f32x4_splat(0.0),
        );
        match self.kind {
            Kind::Relu => f32x4_max(x, zero),
            Kind::Tanh => tanh(x),
            Kind::Sigmoid => sigmoid(x),
            Kind::Affine => madd(a, x, b),
            Kind::LeakyRelu => v128_bitselect(x, f32x4_mul(a, x), f32x4_ge(x, zero)),
            Kind::ThresholdedRelu => v128_and(x, f32x4_gt(x, a)),
            Kind::ScaledTanh => f32x4_mul(a, tanh(f32x4_mul(b, x))),
            Kind::HardSigmoid => f32x4_min(f32x4_max(madd(a, x, b), zero), f32x4_splat(1.0)),
            Kind::Elu => {
                let neg = f32x4_mul(a, f32x4_sub(exp(x), f32x4_splat(1.0)));
                v128_bitselect(x, neg, f32x4_ge(x, zero))
            }
            Kind::Softsign => f32x4_div(x, f32x4_add(f32x4_splat(1.0), f32x4_abs(x))),
            // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), which neither overflows nor cancels.
            Kind::Softplus => f32x4_add(f32x4_max(x, zero), log1p(exp(f32x4_neg(f32x4_abs(x))))),
        }
    }
}
