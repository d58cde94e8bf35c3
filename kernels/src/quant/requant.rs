//! The operands of quantized products, and requantization of their int32 sums
//! (QLinearMatMul, QLinearConv): y = saturate(round(acc · a_scale · b_scale / y_scale) +
//! y_zero_point). The multiplier is formed in f32 and applied in f64, as ONNX's reference does.
use super::elem::QInt;
use crate::math::nearest;

/// Scales of the two factors and of the output. Element (r, c) of the product uses
/// `a[r · a_step]` and `b[r · b_row_step + c · b_col_step]`.
pub struct Scales<'a> {
    pub a: &'a [f32],
    pub a_step: usize,
    pub b: &'a [f32],
    pub b_row_step: usize,
    pub b_col_step: usize,
    pub y: f32,
}

/// Requantizes `rows × cols` sums into y.
pub fn requantize<Y: QInt>(
    acc: &[i32],
    rows: usize,
    cols: usize,
    s: &Scales,
    y_zp: i32,
    y: &mut [Y],
) {
    let (lo, hi, zp) = (Y::MIN as f64, Y::MAX as f64, y_zp as f64);
    if cols == 0 {
        return;
    }
    for r in 0..rows {
        let a = s.a[r * s.a_step];
        let mult = |c: usize| (a * s.b[r * s.b_row_step + c * s.b_col_step] / s.y) as f64;
        let row_mult = mult(0);
        for c in 0..cols {
            let m = if s.b_col_step == 0 { row_mult } else { mult(c) };
            let v = nearest(acc[r * cols + c] as f64 * m + zp);
            y[r * cols + c] = Y::from_i32(v.clamp(lo, hi) as i32);
        }
    }
}

/// One factor: its data, zero point and scale (empty when absent), and whether each of those
/// varies along the factor's lines (rows of A, columns of B, output channels of a filter)
/// rather than being a single value.
pub struct Factor<'a, T> {
    pub data: &'a [T],
    pub zp: &'a [T],
    pub zp_per_line: bool,
    pub scale: &'a [f32],
    pub scale_per_line: bool,
}

impl<T> Factor<'_, T> {
    /// Whether zero points and scales from `offset` cover `lines` lines.
    pub fn params_fit(&self, offset: usize, lines: usize) -> bool {
        let covers = |len: usize, per_line: bool| {
            len == 0 || offset + if per_line { lines } else { 1 } <= len
        };
        covers(self.zp.len(), self.zp_per_line) && covers(self.scale.len(), self.scale_per_line)
    }

    /// Step between the zero points of consecutive lines.
    pub fn zp_step(&self) -> usize {
        usize::from(self.zp_per_line)
    }

    /// Step between the scales of consecutive lines.
    pub fn scale_step(&self) -> usize {
        usize::from(self.scale_per_line)
    }
}

/// A quantized output: its scale, zero point (empty when absent) and data.
pub struct Output<'a, Y> {
    pub scale: f32,
    pub zp: &'a [Y],
    pub data: &'a mut [Y],
}
