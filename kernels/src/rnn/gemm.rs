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

/// c (a.rows × b.cols, row stride `ldc`) = a · b, where a.cols == b.rows. Works panel by
/// panel of b's columns, so a panel stays in cache while every row of a passes over it.
pub fn gemm(a: Mat, b: Mat, c: &mut [f32], ldc: usize) {
    let mut j = 0;
    while j + 16 <= b.cols {
        panel::<4>(a, b, c, ldc, j);
        j += 16;
    }
    while j + 4 <= b.cols {
        panel::<1>(a, b, c, ldc, j);
        j += 4;
    }
    for jj in j..b.cols {
        for r in 0..a.rows {
            let arow = &a.data[r * a.stride..r * a.stride + a.cols];
            c[r * ldc + jj] = arow
                .iter()
                .enumerate()
                .map(|(p, &av)| av * b.data[p * b.stride + jj])
                .sum();
        }
    }
}

/// Columns `j..j + 4·C` of every row, two rows at a time.
fn panel<const C: usize>(a: Mat, b: Mat, c: &mut [f32], ldc: usize, j: usize) {
    let mut r = 0;
    while r + 2 <= a.rows {
        tile::<2, C>(a, r, b, c, ldc, j);
        r += 2;
    }
    if r < a.rows {
        tile::<1, C>(a, r, b, c, ldc, j);
    }
}

/// Rows `r..r + R` × columns `j..j + 4·C`, accumulated in registers.
#[inline(always)]
fn tile<const R: usize, const C: usize>(
    a: Mat,
    r: usize,
    b: Mat,
    c: &mut [f32],
    ldc: usize,
    j: usize,
) {
    let rows: [&[f32]; R] = core::array::from_fn(|i| &a.data[(r + i) * a.stride..][..a.cols]);
    let mut acc = [[f32x4_splat(0.0); C]; R];
    for p in 0..a.cols {
        let bv: [v128; C] = core::array::from_fn(|q| load(b.data, p * b.stride + j + 4 * q));
        for (row, arow) in acc.iter_mut().zip(&rows) {
            let av = f32x4_splat(arow[p]);
            for (s, &bq) in row.iter_mut().zip(&bv) {
                *s = madd(av, bq, *s);
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        for (q, &s) in row.iter().enumerate() {
            store(c, (r + i) * ldc + j + 4 * q, s);
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
