//! Elementwise kernels over contiguous slices.
use crate::simd::*;
use core::arch::wasm32::*;

/// y = max(x, 0)
pub fn relu(x: &[f32], y: &mut [f32]) {
    let zero = f32x4_splat(0.0);
    let n4 = x.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f32x4_max(load(x, i), zero));
    }
    for i in n4..x.len() {
        y[i] = x[i].max(0.0);
    }
}

/// y = max(y, 0) in place.
pub fn relu_inplace(y: &mut [f32]) {
    for v in y.iter_mut() {
        *v = v.max(0.0);
    }
}

/// y = a + b, same length.
pub fn add(a: &[f32], b: &[f32], y: &mut [f32]) {
    let n4 = y.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f32x4_add(load(a, i), load(b, i)));
    }
    for i in n4..y.len() {
        y[i] = a[i] + b[i];
    }
}
