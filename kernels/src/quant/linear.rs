//! QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear over f32 data.
use super::elem::{round_even, saturate, zero_point, QInt};
use crate::half::F16;
use crate::simd::load;
use core::arch::wasm32::*;

/// Which scale each element uses. The tensor is seen as `[outer, axis, inner]`; element
/// `(o, a, i)` takes scale `o·so + (a / block)·sa + i·si`.
pub struct Grouping {
    pub outer: usize,
    pub axis: usize,
    pub inner: usize,
    block: usize,
    so: usize,
    sa: usize,
    si: usize,
}

/// How scales are laid out (ONNX's three granularities).
#[derive(Clone, Copy)]
pub enum Granularity {
    PerTensor,
    PerAxis,
    Blocked(usize),
}

impl Grouping {
    /// The grouping of a tensor `[outer, axis, inner]`; None for a zero block size.
    pub fn new(outer: usize, axis: usize, inner: usize, g: Granularity) -> Option<Grouping> {
        let (block, so, sa, si) = match g {
            Granularity::PerTensor => (1, 0, 0, 0),
            Granularity::PerAxis => (1, 0, 1, 0),
            Granularity::Blocked(0) => return None,
            Granularity::Blocked(b) => (b, axis.div_ceil(b) * inner, inner, 1),
        };
        Some(Grouping {
            outer,
            axis,
            inner,
            block,
            so,
            sa,
            si,
        })
    }

    /// Elements of the tensor.
    pub fn len(&self) -> usize {
        self.outer * self.axis * self.inner
    }

    /// Elements the scale (and zero point) tensor must have.
    pub fn scales(&self) -> usize {
        if self.len() == 0 {
            return 0;
        }
        let (o, a, i) = (self.outer - 1, self.axis - 1, self.inner - 1);
        self.index(o, a) + i * self.si + 1
    }

    fn index(&self, o: usize, a: usize) -> usize {
        o * self.so + (a / self.block) * self.sa
    }

    /// Calls `f(run_start, scale_index, scale_step)` for each run of `inner` elements.
    fn runs(&self, mut f: impl FnMut(usize, usize, usize)) {
        for o in 0..self.outer {
            for a in 0..self.axis {
                f((o * self.axis + a) * self.inner, self.index(o, a), self.si);
            }
        }
    }
}

/// y = saturate(round(x / scale) + zero_point). `half` divides in float16 precision (x, scale
/// and quotient rounded to it), as when both are float16 or the precision attribute asks.
pub fn quantize<Y: QInt>(
    x: &[f32],
    scale: &[f32],
    zp: &[Y],
    y: &mut [Y],
    g: &Grouping,
    half: bool,
) {
    let n = g.inner;
    g.runs(|start, k, step| {
        let (xs, ys) = (&x[start..start + n], &mut y[start..start + n]);
        if step == 0 && !half {
            quantize_run(xs, scale[k], zero_point(zp, k) as f32, ys);
            return;
        }
        for (i, (xv, yv)) in xs.iter().zip(ys.iter_mut()).enumerate() {
            let s = scale[k + i * step];
            let q = if half {
                to_half(to_half(*xv) / to_half(s))
            } else {
                xv / s
            };
            *yv = saturate(round_even(q) + zero_point(zp, k + i * step) as f32);
        }
    });
}

/// v rounded to float16 precision.
fn to_half(v: f32) -> f32 {
    F16::from_f32(v).to_f32()
}

/// One run with a single scale and zero point, four lanes at a time.
pub fn quantize_run<Y: QInt>(x: &[f32], scale: f32, zp: f32, y: &mut [Y]) {
    let (sv, zv) = (f32x4_splat(scale), f32x4_splat(zp));
    let (lo, hi) = (f32x4_splat(Y::MIN as f32), f32x4_splat(Y::MAX as f32));
    let n4 = x.len() / 4 * 4;
    let mut lanes = [0i32; 4];
    for i in (0..n4).step_by(4) {
        let q = f32x4_add(f32x4_nearest(f32x4_div(load(x, i), sv)), zv);
        let q = i32x4_trunc_sat_f32x4(f32x4_min(f32x4_max(q, lo), hi));
        // SAFETY: `lanes` is 16 writable bytes; v128_store allows unaligned addresses.
        unsafe { v128_store(lanes.as_mut_ptr() as *mut v128, q) };
        for (d, v) in y[i..i + 4].iter_mut().zip(lanes) {
            *d = Y::from_i32(v);
        }
    }
    for i in n4..x.len() {
        y[i] = saturate(round_even(x[i] / scale) + zp);
    }
}

/// y = (x - zero_point) · scale, in f32.
pub fn dequantize<X: QInt>(x: &[X], scale: &[f32], zp: &[X], y: &mut [f32], g: &Grouping) {
    let n = g.inner;
    g.runs(|start, k, step| {
        let (xs, ys) = (&x[start..start + n], &mut y[start..start + n]);
        if step == 0 {
            let (s, z) = (scale[k], zero_point(zp, k) as f32);
            for (d, v) in ys.iter_mut().zip(xs) {
                *d = (v.to_i32() as f32 - z) * s;
            }
            return;
        }
        for (i, (d, v)) in ys.iter_mut().zip(xs).enumerate() {
            let z = zero_point(zp, k + i) as f32;
            *d = (v.to_i32() as f32 - z) * scale[k + i];
        }
    });
}

/// DynamicQuantizeLinear to uint8: picks scale and zero point from x's range (widened to
/// hold 0), quantizes x into y and returns (scale, zero point). An all-zero x gets scale 1,
/// as ONNX Runtime gives it.
pub fn dynamic_quantize(x: &[f32], y: &mut [u8]) -> (f32, u8) {
    let (min, max) = range(x);
    let (min, max) = (min.min(0.0), max.max(0.0));
    let scale = if max == min { 1.0 } else { (max - min) / 255.0 };
    let zp = round_even((0.0 - min / scale).clamp(0.0, 255.0));
    quantize_run(x, scale, zp, y);
    (scale, zp as u8)
}

/// (min, max) of x; (0, 0) when empty.
fn range(x: &[f32]) -> (f32, f32) {
    let Some(&first) = x.first() else {
        return (0.0, 0.0);
    };
    let (mut lo, mut hi) = (f32x4_splat(first), f32x4_splat(first));
    let n4 = x.len() / 4 * 4;
    for i in (0..n4).step_by(4) {
        let v = load(x, i);
        lo = f32x4_min(lo, v);
        hi = f32x4_max(hi, v);
    }
    let mut min = lanes_fold(lo, f32::min);
    let mut max = lanes_fold(hi, f32::max);
    for &v in &x[n4..] {
        min = min.min(v);
        max = max.max(v);
    }
    (min, max)
}

fn lanes_fold(v: v128, f: fn(f32, f32) -> f32) -> f32 {
    let a = f(f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v));
    f(a, f(f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)))
}
