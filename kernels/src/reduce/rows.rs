//! Reduce* for f32 with SIMD: a contiguous reduced axis (inner = 1) folds four lanes at a
//! time; any other axis folds whole rows of `inner` elements into the output, four lanes
//! at a time. LogSumExp and empty axes take the generic path.
use super::elem::{max, min};
use super::fold::{arg_reduce, reduce, Finish, Fold};
use crate::math::vector;
use crate::simd::{load, store};
use core::arch::wasm32::*;

/// One fold as lane operations: `map` each element, `comb` into the accumulator.
trait Lanes {
    const INIT: f32;
    fn map(v: v128) -> v128;
    fn map1(v: f32) -> f32;
    fn comb(a: v128, b: v128) -> v128;
    fn comb1(a: f32, b: f32) -> f32;
}

macro_rules! lanes {
    ($name:ident, $init:expr, |$v:ident| $map:expr, $map1:expr, $comb:expr, $comb1:expr) => {
        struct $name;
        impl Lanes for $name {
            const INIT: f32 = $init;
            #[inline(always)]
            fn map($v: v128) -> v128 {
                $map
            }
            #[inline(always)]
            fn map1($v: f32) -> f32 {
                $map1
            }
            #[inline(always)]
            fn comb(a: v128, b: v128) -> v128 {
                $comb(a, b)
            }
            #[inline(always)]
            fn comb1(a: f32, b: f32) -> f32 {
                $comb1(a, b)
            }
        }
    };
}

lanes!(Sum, 0.0, |v| v, v, f32x4_add, |a, b| a + b);
lanes!(
    SumSquare,
    0.0,
    |v| f32x4_mul(v, v),
    v * v,
    f32x4_add,
    |a, b| a + b
);
lanes!(SumAbs, 0.0, |v| f32x4_abs(v), v.abs(), f32x4_add, |a, b| a
    + b);
lanes!(Max, f32::NEG_INFINITY, |v| v, v, vector::max, max);
lanes!(Min, f32::INFINITY, |v| v, v, vector::min, min);
lanes!(Prod, 1.0, |v| v, v, f32x4_mul, |a, b| a * b);

/// Folds a contiguous row with two accumulators in flight.
fn fold_row<L: Lanes>(x: &[f32]) -> f32 {
    let (mut a, mut b) = (f32x4_splat(L::INIT), f32x4_splat(L::INIT));
    let n8 = x.len() / 8 * 8;
    for i in (0..n8).step_by(8) {
        a = L::comb(a, L::map(load(x, i)));
        b = L::comb(b, L::map(load(x, i + 4)));
    }
    let mut acc = L::comb(a, b);
    if n8 + 4 <= x.len() {
        acc = L::comb(acc, L::map(load(x, n8)));
    }
    let lanes = [
        f32x4_extract_lane::<0>(acc),
        f32x4_extract_lane::<1>(acc),
        f32x4_extract_lane::<2>(acc),
        f32x4_extract_lane::<3>(acc),
    ];
    let mut r = lanes.into_iter().fold(L::INIT, L::comb1);
    for &v in &x[x.len() / 4 * 4..] {
        r = L::comb1(r, L::map1(v));
    }
    r
}

/// y = fold over the n rows of x (each `y.len()` long), streaming the rows in order.
fn fold_rows<L: Lanes>(x: &[f32], y: &mut [f32], n: usize) {
    let inner = y.len();
    let n4 = inner / 4 * 4;
    for r in 0..n {
        let row = &x[r * inner..(r + 1) * inner];
        for i in (0..n4).step_by(4) {
            let v = L::map(load(row, i));
            store(y, i, if r == 0 { v } else { L::comb(load(y, i), v) });
        }
        for i in n4..inner {
            let v = L::map1(row[i]);
            y[i] = if r == 0 { v } else { L::comb1(y[i], v) };
        }
    }
}

fn reduce_lanes<L: Lanes>(x: &[f32], y: &mut [f32], dims: [usize; 3], finish: Finish) {
    let [outer, n, inner] = dims;
    for o in 0..outer {
        let (xs, ys) = (
            &x[o * n * inner..(o + 1) * n * inner],
            &mut y[o * inner..(o + 1) * inner],
        );
        if inner == 1 {
            ys[0] = fold_row::<L>(xs);
        } else {
            fold_rows::<L>(xs, ys, n);
        }
        if !matches!(finish, Finish::Keep) {
            ys.iter_mut().for_each(|v| *v = finish.apply(*v));
        }
    }
}

/// Reduce* of f32: SIMD where it pays, the generic fold otherwise.
pub fn reduce_f32(x: &[f32], y: &mut [f32], dims: [usize; 3], fold: Fold, finish: Finish) {
    if dims[1] == 0 {
        return reduce(x, y, dims, fold, finish);
    }
    match fold {
        Fold::Sum => reduce_lanes::<Sum>(x, y, dims, finish),
        Fold::SumSquare => reduce_lanes::<SumSquare>(x, y, dims, finish),
        Fold::SumAbs => reduce_lanes::<SumAbs>(x, y, dims, finish),
        Fold::Max => reduce_lanes::<Max>(x, y, dims, finish),
        Fold::Min => reduce_lanes::<Min>(x, y, dims, finish),
        Fold::Prod => reduce_lanes::<Prod>(x, y, dims, finish),
        Fold::LogSumExp => reduce(x, y, dims, fold, finish),
    }
}

/// ArgMax/ArgMin of f32: a contiguous row finds its extreme with SIMD, then the extreme's
/// first (or last) position; NaN counts as the extreme, as in the generic version.
pub fn arg_reduce_f32(x: &[f32], y: &mut [i64], dims: [usize; 3], smallest: bool, last: bool) {
    let [_, n, inner] = dims;
    if inner != 1 || n == 0 {
        return arg_reduce(x, y, dims, smallest, last);
    }
    for (row, out) in x.chunks_exact(n).zip(y.iter_mut()) {
        let m = if smallest {
            fold_row::<Min>(row)
        } else {
            fold_row::<Max>(row)
        };
        let hit = |v: &f32| *v == m || (m.is_nan() && v.is_nan());
        let at = if last {
            row.iter().rposition(hit)
        } else {
            row.iter().position(hit)
        };
        *out = at.unwrap_or(0) as i64;
    }
}
