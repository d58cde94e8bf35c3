//! Softmax, LogSoftmax and Hardmax along one axis of an (outer, n, inner) block. f32 gets
//! SIMD on both layouts: contiguous rows, and whole rows of `inner` for other axes.
use super::elem::{max, Float};
use super::fold::arg_extreme;
use crate::math::{self, vector};
use crate::simd::{load, store};
use core::arch::wasm32::*;

/// Which of the three ops.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    Softmax,
    LogSoftmax,
    Hardmax,
}

impl Mode {
    /// The mode a kernel argument names, numbered as in the TS binding.
    pub fn from_code(code: u32) -> Option<Mode> {
        [Mode::Softmax, Mode::LogSoftmax, Mode::Hardmax]
            .get(code as usize)
            .copied()
    }
}

/// The op on each column, any float type, no SIMD.
pub fn softmax<T: Float>(x: &[T], y: &mut [T], dims: [usize; 3], mode: Mode) {
    let [outer, n, inner] = dims;
    for o in 0..outer {
        for i in 0..inner {
            let at = |r: usize| o * n * inner + r * inner + i;
            let col = (0..n).map(|r| x[at(r)]);
            if mode == Mode::Hardmax {
                let hot = arg_extreme(col, false, false);
                (0..n).for_each(|r| y[at(r)] = if r == hot { T::ONE } else { T::ZERO });
                continue;
            }
            let m = col.clone().fold(T::LOWEST, max);
            let sum = col.fold(T::ZERO, |s, v| s.add(v.sub(m).exp()));
            let log_sum = sum.ln();
            for r in 0..n {
                let v = x[at(r)].sub(m);
                y[at(r)] = match mode {
                    Mode::Softmax => v.exp().div(sum),
                    _ => v.sub(log_sum),
                };
            }
        }
    }
}

/// Largest element of a contiguous row.
fn row_max(x: &[f32]) -> f32 {
    let n4 = x.len() / 4 * 4;
    let mut acc = f32x4_splat(f32::NEG_INFINITY);
    for i in (0..n4).step_by(4) {
        acc = vector::max(acc, load(x, i));
    }
    let mut m = max(
        max(f32x4_extract_lane::<0>(acc), f32x4_extract_lane::<1>(acc)),
        max(f32x4_extract_lane::<2>(acc), f32x4_extract_lane::<3>(acc)),
    );
    for &v in &x[n4..] {
        m = max(m, v);
    }
    m
}

/// Softmax or LogSoftmax of one contiguous row.
fn softmax_row(x: &[f32], y: &mut [f32], log: bool) {
    let m = row_max(x);
    let (n4, vm) = (x.len() / 4 * 4, f32x4_splat(m));
    let mut acc = f32x4_splat(0.0);
    for i in (0..n4).step_by(4) {
        let e = vector::exp(f32x4_sub(load(x, i), vm));
        if !log {
            store(y, i, e);
        }
        acc = f32x4_add(acc, e);
    }
    let mut sum = f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<1>(acc);
    sum += f32x4_extract_lane::<2>(acc) + f32x4_extract_lane::<3>(acc);
    for i in n4..x.len() {
        let e = vector::exp_f32(x[i] - m);
        if !log {
            y[i] = e;
        }
        sum += e;
    }
    if log {
        // (x - m) - ln Σ: subtracting m first keeps large inputs exact.
        let ls = math::ln(sum as f64) as f32;
        let vls = f32x4_splat(ls);
        map_row(x, y, |v| f32x4_sub(f32x4_sub(v, vm), vls), |v| (v - m) - ls);
    } else {
        let inv = 1.0 / sum;
        map_in_place(y, |v| f32x4_mul(v, f32x4_splat(inv)), |v| v * inv);
    }
}

/// y = f(x), four lanes at a time.
#[inline(always)]
fn map_row(x: &[f32], y: &mut [f32], f: impl Fn(v128) -> v128, f1: impl Fn(f32) -> f32) {
    let n4 = y.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f(load(x, i)));
    }
    for i in n4..y.len() {
        y[i] = f1(x[i]);
    }
}

/// y = f(y), four lanes at a time.
#[inline(always)]
fn map_in_place(y: &mut [f32], f: impl Fn(v128) -> v128, f1: impl Fn(f32) -> f32) {
    let n4 = y.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f(load(y, i)));
    }
    for v in &mut y[n4..] {
        *v = f1(*v);
    }
}

/// a = f(a, b), four lanes at a time.
#[inline(always)]
fn zip_in_place(
    a: &mut [f32],
    b: &[f32],
    f: impl Fn(v128, v128) -> v128,
    f1: impl Fn(f32, f32) -> f32,
) {
    let n4 = a.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(a, i, f(load(a, i), load(b, i)));
    }
    for i in n4..a.len() {
        a[i] = f1(a[i], b[i]);
    }
}

/// Softmax or LogSoftmax of n rows of `inner` along the rows; `m` and `s` hold a row each.
fn softmax_rows(x: &[f32], y: &mut [f32], n: usize, m: &mut [f32], s: &mut [f32], log: bool) {
    let inner = m.len();
    let n4 = inner / 4 * 4;
    m.copy_from_slice(&x[..inner]);
    for r in 1..n {
        zip_in_place(m, &x[r * inner..(r + 1) * inner], vector::max, max);
    }
    s.fill(0.0);
    for r in 0..n {
        let (xr, yr) = (
            &x[r * inner..(r + 1) * inner],
            &mut y[r * inner..(r + 1) * inner],
        );
        for i in (0..n4).step_by(4) {
            let e = vector::exp(f32x4_sub(load(xr, i), load(m, i)));
            store(yr, i, e);
            store(s, i, f32x4_add(load(s, i), e));
        }
        for i in n4..inner {
            yr[i] = vector::exp_f32(xr[i] - m[i]);
            s[i] += yr[i];
        }
    }
    for v in s.iter_mut() {
        *v = if log {
            math::ln(*v as f64) as f32
        } else {
            1.0 / *v
        };
    }
    for r in 0..n {
        let yr = &mut y[r * inner..(r + 1) * inner];
        if log {
            yr.copy_from_slice(&x[r * inner..(r + 1) * inner]);
            zip_in_place(yr, m, |a, b| f32x4_sub(a, b), |a, b| a - b);
            zip_in_place(yr, s, |a, b| f32x4_sub(a, b), |a, b| a - b);
        } else {
            zip_in_place(yr, s, |a, b| f32x4_mul(a, b), |a, b| a * b);
        }
    }
}

/// The op for f32: SIMD rows where the layout allows; `scratch` holds 2·inner floats.
pub fn softmax_f32(x: &[f32], y: &mut [f32], dims: [usize; 3], mode: Mode, scratch: &mut [f32]) {
    let [outer, n, inner] = dims;
    if mode == Mode::Hardmax || n == 0 {
        return softmax(x, y, dims, mode);
    }
    let log = mode == Mode::LogSoftmax;
    let block = n * inner;
    for o in 0..outer {
        let (xs, ys) = (
            &x[o * block..(o + 1) * block],
            &mut y[o * block..(o + 1) * block],
        );
        if inner == 1 {
            softmax_row(xs, ys, log);
        } else {
            let (m, s) = scratch[..2 * inner].split_at_mut(inner);
            softmax_rows(xs, ys, n, m, s, log);
        }
    }
}
