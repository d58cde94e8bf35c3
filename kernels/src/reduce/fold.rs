//! Reduce* and ArgMax/ArgMin over an [outer, n, inner] block, for every element type: the
//! reduced axis has `n` elements `inner` apart.
use super::elem::{max, min, Elem};
use crate::math;

/// How the elements of the reduced axis combine.
#[derive(Clone, Copy, PartialEq)]
pub enum Fold {
    Sum,
    SumSquare,
    SumAbs,
    Max,
    Min,
    Prod,
    LogSumExp,
}

impl Fold {
    /// The fold a kernel argument names, numbered as in the TS binding.
    pub fn from_code(code: u32) -> Option<Fold> {
        use Fold::*;
        [Sum, SumSquare, SumAbs, Max, Min, Prod, LogSumExp]
            .get(code as usize)
            .copied()
    }
}

/// What is applied to each folded value before it is stored.
#[derive(Clone, Copy)]
pub enum Finish {
    Keep,
    /// Divide by the count of reduced elements: the mean.
    Mean(usize),
    Sqrt,
    Ln,
}

impl Finish {
    /// The finish a kernel argument names; `count` is the mean's divisor.
    pub fn from_code(code: u32, count: usize) -> Option<Finish> {
        [Finish::Keep, Finish::Mean(count), Finish::Sqrt, Finish::Ln]
            .get(code as usize)
            .copied()
    }

    /// Applies the finish to one value.
    #[inline(always)]
    pub fn apply<T: Elem>(self, v: T) -> T {
        match self {
            Finish::Keep => v,
            Finish::Mean(n) => v.div_count(n),
            Finish::Sqrt => T::from_f64(math::sqrt(v.to_f64())),
            Finish::Ln => T::from_f64(math::ln(v.to_f64())),
        }
    }
}

/// The `n` elements of one column: from `start`, `stride` apart.
#[inline(always)]
pub fn column<T: Elem>(
    x: &[T],
    start: usize,
    stride: usize,
    n: usize,
) -> impl Iterator<Item = T> + Clone + '_ {
    let from = start.min(x.len());
    x[from..].iter().step_by(stride.max(1)).take(n).copied()
}

/// Folds one column; an empty one gives the fold's identity (-inf for LogSumExp).
pub fn fold_column<T: Elem>(x: &[T], start: usize, stride: usize, n: usize, fold: Fold) -> T {
    let col = column(x, start, stride, n);
    match fold {
        Fold::Sum => col.fold(T::ZERO, T::add),
        Fold::SumSquare => col.fold(T::ZERO, |a, v| a.add(v.mul(v))),
        Fold::SumAbs => col.fold(T::ZERO, |a, v| a.add(v.abs())),
        Fold::Max => col.fold(T::LOWEST, max),
        Fold::Min => col.fold(T::HIGHEST, min),
        Fold::Prod => col.fold(T::ONE, T::mul),
        Fold::LogSumExp => log_sum_exp(col),
    }
}

/// ln Σ e^v, shifted by the finite maximum so large values do not overflow.
fn log_sum_exp<T: Elem>(col: impl Iterator<Item = T> + Clone) -> T {
    let m = col
        .clone()
        .fold(f64::NEG_INFINITY, |a, v| max(a, v.to_f64()));
    let shift = if m.is_finite() { m } else { 0.0 };
    let sum = col.fold(0.0, |a, v| a + math::exp(v.to_f64() - shift));
    T::from_f64(math::ln(sum) + shift)
}

/// y[o, i] = finish(fold over r of x[o, r, i]).
pub fn reduce<T: Elem>(x: &[T], y: &mut [T], dims: [usize; 3], fold: Fold, finish: Finish) {
    let [outer, n, inner] = dims;
    for o in 0..outer {
        for i in 0..inner {
            y[o * inner + i] = finish.apply(fold_column(x, o * n * inner + i, inner, n, fold));
        }
    }
}

/// Index of the largest (or smallest) element of a column; NaN counts as the extreme,
/// ties go to the first index, or the last with `last`.
pub fn arg_extreme<T: Elem>(mut col: impl Iterator<Item = T>, smallest: bool, last: bool) -> usize {
    let Some(mut best) = col.next() else {
        return 0;
    };
    let mut at = 0;
    for (r, v) in col.enumerate() {
        let better = if smallest { v < best } else { v > best };
        let nan = v.is_nan() && (last || !best.is_nan());
        if better || nan || (last && v == best) {
            (best, at) = (v, r + 1);
        }
    }
    at
}

/// y[o, i] = index along the axis of the extreme of x[o, :, i].
pub fn arg_reduce<T: Elem>(x: &[T], y: &mut [i64], dims: [usize; 3], smallest: bool, last: bool) {
    let [outer, n, inner] = dims;
    for o in 0..outer {
        if inner == 1 {
            // Contiguous rows iterate much faster than strided columns.
            let row = x[o * n..(o + 1) * n].iter().copied();
            y[o] = arg_extreme(row, smallest, last) as i64;
            continue;
        }
        for i in 0..inner {
            let col = column(x, o * n * inner + i, inner, n);
            y[o * inner + i] = arg_extreme(col, smallest, last) as i64;
        }
    }
}
