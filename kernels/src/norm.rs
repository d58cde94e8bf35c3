//! Normalizations over NC(spatial) planes: batch and instance normalization (an affine
//! map per plane from per-channel statistics and parameters) and Lp normalization.
use crate::math::sqrt;
use crate::pool::sum;
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// Per-channel affine parameters and statistics. Plane i of the input uses
/// `mean[i % mean.len()]`, `var[..]` likewise, and `scale`/`bias[i % scale.len()]`: batch
/// normalization passes one statistic per channel, instance normalization one per plane.
pub struct Norm<'a> {
    pub scale: &'a [f32],
    pub bias: &'a [f32],
    pub mean: &'a [f32],
    pub var: &'a [f32],
    pub epsilon: f32,
}

/// y = (x - mean) · scale / sqrt(var + epsilon) + bias, plane by plane.
pub fn normalize(x: &[f32], y: &mut [f32], plane: usize, n: &Norm) {
    for (i, (xp, yp)) in x
        .chunks_exact(plane)
        .zip(y.chunks_exact_mut(plane))
        .enumerate()
    {
        let (s, m) = (i % n.scale.len(), i % n.mean.len());
        let a = n.scale[s] / sqrt(f64::from(n.var[m] + n.epsilon)) as f32;
        affine(xp, yp, a, n.bias[s] - n.mean[m] * a);
    }
}

/// y = x · a + b
fn affine(x: &[f32], y: &mut [f32], a: f32, b: f32) {
    let (av, bv) = (f32x4_splat(a), f32x4_splat(b));
    let n4 = x.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, madd(load(x, i), av, bv));
    }
    for i in n4..x.len() {
        y[i] = x[i] * a + b;
    }
}

/// Mean and population variance per channel k over the `plane`-sized planes i of `x` with
/// i % channels == k (channels = `mean.len()`), two-pass for accuracy.
pub fn plane_stats(x: &[f32], plane: usize, mean: &mut [f32], var: &mut [f32]) {
    let channels = mean.len();
    let count = (x.len() / channels) as f64;
    let of = |k: usize| x.chunks_exact(plane).skip(k).step_by(channels);
    for k in 0..channels {
        let m = of(k).map(|p| f64::from(sum(p))).sum::<f64>() / count;
        let v = of(k)
            .map(|p| f64::from(sum_sq_dev(p, m as f32)))
            .sum::<f64>()
            / count;
        mean[k] = m as f32;
        var[k] = v as f32;
    }
}

/// Σ (x - m)²
fn sum_sq_dev(x: &[f32], m: f32) -> f32 {
    let mv = f32x4_splat(m);
    let mut acc = f32x4_splat(0.0);
    let n4 = x.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        let d = f32x4_sub(load(x, i), mv);
        acc = madd(d, d, acc);
    }
    let tail: f32 = x[n4..].iter().map(|v| (v - m) * (v - m)).sum();
    f32x4_extract_lane::<0>(acc)
        + f32x4_extract_lane::<1>(acc)
        + f32x4_extract_lane::<2>(acc)
        + f32x4_extract_lane::<3>(acc)
        + tail
}

/// out = running · momentum + current · (1 - momentum): the running statistics update.
pub fn blend(running: &[f32], current: &[f32], out: &mut [f32], momentum: f32) {
    for ((o, r), c) in out.iter_mut().zip(running).zip(current) {
        *o = r * momentum + c * (1.0 - momentum);
    }
}

/// Lp normalization (p 1 or 2) along an axis of `len` elements at stride `inner`, for
/// x viewed as [outer, len, inner]. A zero vector stays zero.
pub fn lp_normalize(x: &[f32], y: &mut [f32], len: usize, inner: usize, p: u32) {
    for (xb, yb) in x
        .chunks_exact(len * inner)
        .zip(y.chunks_exact_mut(len * inner))
    {
        for j in 0..inner {
            let along = || xb.iter().skip(j).step_by(inner);
            let norm = if p == 1 {
                along().map(|v| v.abs()).sum()
            } else {
                sqrt(along().map(|&v| f64::from(v) * f64::from(v)).sum()) as f32
            };
            for (o, v) in yb.iter_mut().skip(j).step_by(inner).zip(along()) {
                *o = if norm == 0.0 { 0.0 } else { v / norm };
            }
        }
    }
}
