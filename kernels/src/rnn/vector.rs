//! Elementwise f32 helpers of the gate math, four lanes at a time with a scalar tail.
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// For i in 0..d.len(): d[i] = f(d[i], s[i]) (and the scalar `g` on the tail).
#[inline(always)]
fn zip_map(d: &mut [f32], s: &[f32], f: impl Fn(v128, v128) -> v128, g: impl Fn(f32, f32) -> f32) {
    let n4 = d.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(d, i, f(load(d, i), load(s, i)));
    }
    for i in n4..d.len() {
        d[i] = g(d[i], s[i]);
    }
}

/// d += s
pub fn add(d: &mut [f32], s: &[f32]) {
    zip_map(d, s, |a, b| f32x4_add(a, b), |a, b| a + b);
}

/// d *= s
pub fn mul(d: &mut [f32], s: &[f32]) {
    zip_map(d, s, |a, b| f32x4_mul(a, b), |a, b| a * b);
}

/// d += a · b
pub fn add_product(d: &mut [f32], a: &[f32], b: &[f32]) {
    let n4 = d.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(d, i, madd(load(a, i), load(b, i), load(d, i)));
    }
    for i in n4..d.len() {
        d[i] += a[i] * b[i];
    }
}

/// d = 1 - s
pub fn one_minus(d: &mut [f32], s: &[f32]) {
    zip_map(d, s, |_, b| f32x4_sub(f32x4_splat(1.0), b), |_, b| 1.0 - b);
}

/// d = s + z · (d - s): the blend z·d + (1 - z)·s of GRU's state update.
pub fn blend(d: &mut [f32], s: &[f32], z: &[f32]) {
    let n4 = d.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        let sv = load(s, i);
        store(d, i, madd(load(z, i), f32x4_sub(load(d, i), sv), sv));
    }
    for i in n4..d.len() {
        d[i] = s[i] + z[i] * (d[i] - s[i]);
    }
}

/// d = clamp(d, -bound, bound)
pub fn clip(d: &mut [f32], bound: f32) {
    let (lo, hi) = (f32x4_splat(-bound), f32x4_splat(bound));
    let n4 = d.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(d, i, f32x4_min(f32x4_max(load(d, i), lo), hi));
    }
    for v in &mut d[n4..] {
        *v = v.max(-bound).min(bound);
    }
}
