//! LayerNormalization over contiguous rows: standardize each row, then scale and shift.
//! Mean and 1/σ are kept in f32, ONNX's default stash type.
use super::elem::Float;
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// Scale and bias: rows of `cols`, `step` apart (0 when every row shares one).
pub struct Affine<'a, T> {
    pub scale: &'a [T],
    pub scale_step: usize,
    /// Absent when the node has no bias input.
    pub bias: Option<&'a [T]>,
    pub bias_step: usize,
}

impl<T: Float> Affine<'_, T> {
    fn scale_row(&self, r: usize, cols: usize) -> &[T] {
        &self.scale[r * self.scale_step..r * self.scale_step + cols]
    }

    fn bias_row(&self, r: usize, cols: usize) -> Option<&[T]> {
        self.bias
            .map(|b| &b[r * self.bias_step..r * self.bias_step + cols])
    }
}

/// Per-row statistics outputs; each empty when the node does not ask for it.
pub struct Stats<'a> {
    pub mean: &'a mut [f32],
    pub inv_std: &'a mut [f32],
}

impl Stats<'_> {
    fn record(&mut self, r: usize, mean: f64, inv: f64) {
        if let Some(m) = self.mean.get_mut(r) {
            *m = mean as f32;
        }
        if let Some(v) = self.inv_std.get_mut(r) {
            *v = inv as f32;
        }
    }
}

/// Normalizes each row of `cols`, any float type, no SIMD.
pub fn layernorm<T: Float>(
    x: &[T],
    y: &mut [T],
    cols: usize,
    eps: f64,
    aff: &Affine<T>,
    stats: &mut Stats,
) {
    if cols == 0 {
        return;
    }
    let n = T::from_f64(cols as f64);
    for (r, (xr, yr)) in x
        .chunks_exact(cols)
        .zip(y.chunks_exact_mut(cols))
        .enumerate()
    {
        let mean = xr.iter().fold(T::ZERO, |a, &v| a.add(v)).div(n);
        let var = xr
            .iter()
            .fold(T::ZERO, |a, &v| a.add(v.sub(mean).mul(v.sub(mean))))
            .div(n);
        let inv = T::ONE.div(var.add(T::from_f64(eps)).sqrt());
        stats.record(r, mean.to_f64(), inv.to_f64());
        let (s, b) = (aff.scale_row(r, cols), aff.bias_row(r, cols));
        for c in 0..cols {
            let v = xr[c].sub(mean).mul(inv).mul(s[c]);
            yr[c] = b.map_or(v, |b| v.add(b[c]));
        }
    }
}

/// Σ f(x) over a row, four lanes at a time.
#[inline(always)]
fn row_sum(x: &[f32], f: impl Fn(v128) -> v128, f1: impl Fn(f32) -> f32) -> f32 {
    let n4 = x.len() / 4 * 4;
    let mut acc = f32x4_splat(0.0);
    for i in (0..n4).step_by(4) {
        acc = f32x4_add(acc, f(load(x, i)));
    }
    let mut s = f32x4_extract_lane::<0>(acc) + f32x4_extract_lane::<1>(acc);
    s += f32x4_extract_lane::<2>(acc) + f32x4_extract_lane::<3>(acc);
    x[n4..].iter().fold(s, |a, &v| a + f1(v))
}

/// One row in f32: two-pass mean and variance, then y = (x - μ)·(1/σ)·scale + bias.
fn layernorm_row(xr: &[f32], yr: &mut [f32], eps: f32, s: &[f32], b: Option<&[f32]>) -> (f32, f32) {
    let n = xr.len() as f32;
    let mean = row_sum(xr, |v| v, |v| v) / n;
    let vm = f32x4_splat(mean);
    let sq = |v: v128| f32x4_mul(f32x4_sub(v, vm), f32x4_sub(v, vm));
    let var = row_sum(xr, sq, |v| (v - mean) * (v - mean)) / n;
    let inv = 1.0 / (var + eps).sqrt();
    let (vi, n4) = (f32x4_splat(inv), xr.len() / 4 * 4);
    for i in (0..n4).step_by(4) {
        let norm = f32x4_mul(f32x4_sub(load(xr, i), vm), vi);
        let shift = b.map_or(f32x4_splat(0.0), |b| load(b, i));
        store(yr, i, madd(norm, load(s, i), shift));
    }
    for i in n4..xr.len() {
        yr[i] = (xr[i] - mean) * inv * s[i] + b.map_or(0.0, |b| b[i]);
    }
    (mean, inv)
}

/// Normalizes each row of `cols` in f32 with SIMD.
pub fn layernorm_f32(
    x: &[f32],
    y: &mut [f32],
    cols: usize,
    eps: f64,
    aff: &Affine<f32>,
    stats: &mut Stats,
) {
    if cols == 0 {
        return;
    }
    for (r, (xr, yr)) in x
        .chunks_exact(cols)
        .zip(y.chunks_exact_mut(cols))
        .enumerate()
    {
        let (s, b) = (aff.scale_row(r, cols), aff.bias_row(r, cols));
        let (mean, inv) = layernorm_row(xr, yr, eps as f32, s, b);
        stats.record(r, mean as f64, inv as f64);
    }
}
