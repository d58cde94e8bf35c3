//! The small f32 product of the recurrent ops: c = a · bᵀ with both operands row-major, as
//! ONNX stores the weights (one row of W or R per gate unit), so nothing is transposed.
use crate::gemm::{dot, dot4};
use crate::simd::store;

/// A row-major matrix view: `rows` rows of `cols` values, `stride` apart.
#[derive(Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub stride: usize,
}

impl<'a> Mat<'a> {
    fn row(&self, r: usize) -> &'a [f32] {
        &self.data[r * self.stride..][..self.cols]
    }
}

/// c (a.rows × b.rows, row stride `ldc`) = a · bᵀ, where a.cols == b.cols: each entry
/// is the dot product of a row of a with a row of b, four rows of b at a time.
pub fn gemm_nt(a: Mat, b: Mat, c: &mut [f32], ldc: usize) {
    for r in 0..a.rows {
        let (arow, out) = (a.row(r), &mut c[r * ldc..]);
        let mut j = 0;
        while j + 4 <= b.rows {
            store(out, j, dot4(arow, core::array::from_fn(|q| b.row(j + q))));
            j += 4;
        }
        for (jj, o) in out[..b.rows].iter_mut().enumerate().skip(j) {
            *o = dot(arow, b.row(jj));
        }
    }
}
