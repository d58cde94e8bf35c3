//! The small f32 GEMM of the recurrent ops: c = a · b with row strides, one row of `a` at a
//! time against sixteen (then four) columns of `b` held in registers.
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// A row-major matrix view: `rows` rows of `cols` values, `stride` apart.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub stride: usize,
}

/// c (a.rows × b.cols, row stride `ldc`) = a · b, where a.cols == b.rows.
pub fn gemm(a: Mat, b: Mat, c: &mut [f32], ldc: usize) {
    for r in 0..a.rows {
        let arow = &a.data[r * a.stride..r * a.stride + a.cols];
        let crow = &mut c[r * ldc..r * ldc + b.cols];
        let mut j = 0;
        while j + 16 <= b.cols {
            let mut acc = [f32x4_splat(0.0); 4];
            for (p, &av) in arow.iter().enumerate() {
                let (av, base) = (f32x4_splat(av), p * b.stride + j);
                for (q, s) in acc.iter_mut().enumerate() {
                    *s = madd(av, load(b.data, base + 4 * q), *s);
                }
            }
            for (q, s) in acc.into_iter().enumerate() {
                store(crow, j + 4 * q, s);
            }
            j += 16;
        }
        while j + 4 <= b.cols {
            let mut acc = f32x4_splat(0.0);
            for (p, &av) in arow.iter().enumerate() {
                acc = madd(f32x4_splat(av), load(b.data, p * b.stride + j), acc);
            }
            store(crow, j, acc);
            j += 4;
        }
        for (jj, out) in crow.iter_mut().enumerate().skip(j) {
            *out = arow.iter().enumerate().map(|(p, &av)| av * b.data[p * b.stride + jj]).sum();
        }
    }
}

/// dst (cols × rows) = srcᵀ for a row-major src (rows × cols).
pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    for r in 0..rows {
        for c in 0..cols {
            dst[c * rows + r] = src[r * cols + c];
        }
    }
}
