//! Unary ops: the op codes, and the paths for types without their own kernel (integers
//! and float16), which compute through a wider type a chunk at a time.
use super::cast::{Bool, CastTo};
use super::num::Num;
use super::{unary_f32, unary_f64};
use crate::half::F16;

op_codes! {
    /// Unary ops; `alpha`/`beta` are the op's attributes where it has any.
    UnaryOp {
        Abs = 0, Neg = 1, Sign = 2, Relu = 3, Sqrt = 4, Exp = 5, Log = 6, Reciprocal = 7,
        Floor = 8, Ceil = 9, Round = 10, Sin = 11, Cos = 12, Tan = 13, Asin = 14, Acos = 15,
        Atan = 16, Sinh = 17, Cosh = 18, Asinh = 19, Acosh = 20, Atanh = 21, Erf = 22,
        LeakyRelu = 23, Elu = 24, Selu = 25, Celu = 26, Sigmoid = 27, HardSigmoid = 28,
        HardSwish = 29, Tanh = 30, GeluErf = 31, GeluTanh = 32, Softplus = 33, Softsign = 34,
        Mish = 35, ThresholdedRelu = 36, DivScalar = 37,
    }
}

/// An op's float attributes (alpha, beta, gamma...) in the order the op reads them.
#[derive(Clone, Copy)]
pub struct Params {
    pub alpha: f64,
    pub beta: f64,
}

/// y[i] = f(x[i]).
#[inline(always)]
pub fn map<S: Copy, D>(x: &[S], y: &mut [D], f: impl Fn(S) -> D) {
    for (d, &s) in y.iter_mut().zip(x) {
        *d = f(s);
    }
}

const CHUNK: usize = 64;

/// Runs a kernel over wide type `W` on `x` converted a chunk at a time.
fn via<T, W>(x: &[T], y: &mut [T], mut kernel: impl FnMut(&[W], &mut [W]))
where
    T: Copy + CastTo<W>,
    W: Copy + Default + CastTo<T>,
{
    let (mut a, mut b) = ([W::default(); CHUNK], [W::default(); CHUNK]);
    for (xs, ys) in x.chunks(CHUNK).zip(y.chunks_mut(CHUNK)) {
        let n = xs.len();
        map(xs, &mut a[..n], |v| v.cast());
        kernel(&a[..n], &mut b[..n]);
        map(&b[..n], ys, |w| w.cast());
    }
}

/// float16 computes in f32 and rounds once per result.
pub fn unary_f16(op: UnaryOp, x: &[F16], y: &mut [F16], p: Params) {
    via(x, y, |a: &[f32], b| unary_f32::unary(op, a, b, p));
}

/// Integers: the sign ops natively; the rest (Erf is the one ONNX allows) through f64,
/// truncating the result back.
pub fn unary_int<T>(op: UnaryOp, x: &[T], y: &mut [T], p: Params)
where
    T: Num + CastTo<f64>,
    f64: CastTo<T>,
{
    match op {
        UnaryOp::Abs => map(x, y, T::abs),
        UnaryOp::Neg => map(x, y, T::neg),
        UnaryOp::Sign => map(x, y, T::sign),
        UnaryOp::Relu => map(x, y, |v| v.max(T::ZERO)),
        _ => via(x, y, |a: &[f64], b| unary_f64::unary(op, a, b, p)),
    }
}

/// Not: y = !x.
pub fn not(x: &[Bool], y: &mut [Bool]) {
    map(x, y, |b| Bool((b.0 == 0) as u8));
}

/// IsNaN and IsInf: which classes of value map to true.
#[derive(Clone, Copy)]
pub struct Classes {
    pub nan: bool,
    pub pos_inf: bool,
    pub neg_inf: bool,
}

/// y[i] = whether x[i] is in one of `classes`.
pub fn classify<T: Copy + CastTo<f64>>(x: &[T], y: &mut [Bool], classes: Classes) {
    map(x, y, |v| {
        let v: f64 = v.cast();
        let hit = (classes.nan && v.is_nan())
            || (classes.pos_inf && v == f64::INFINITY)
            || (classes.neg_inf && v == f64::NEG_INFINITY);
        Bool(hit as u8)
    });
}
