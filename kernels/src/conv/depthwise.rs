//! Direct depthwise 2-D convolution (one filter per channel): the GEMM formulation would
//! have a single row per group, so this walks each output row instead, eight pixels per
//! step in vector registers, taps read straight from the input rows (stride 1 and 2 are
//! vectorized; other strides and the padded borders run per pixel).
use super::{tap_range, ConvGeom};
use crate::gemm::Activation;
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// The sizes of one plane's convolution along one axis.
#[derive(Clone, Copy)]
struct Axis {
    input: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    pad: usize,
}

impl Axis {
    fn of(g: &ConvGeom, a: usize) -> Self {
        Axis {
            input: g.input[a],
            kernel: g.kernel[a],
            stride: g.strides[a],
            dilation: g.dilations[a],
            pad: g.pads[a],
        }
    }

    /// First input coordinate output `o` reads (negative inside the padding).
    fn origin(&self, o: usize) -> isize {
        (o * self.stride) as isize - self.pad as isize
    }

    /// The taps of output `o` that fall inside the input.
    fn taps(&self, o: usize) -> (usize, usize) {
        tap_range(self.kernel, self.dilation, self.origin(o), self.input)
    }
}

/// Filters up to this many taps (7×7) keep their weights splatted in vectors; larger ones
/// run per pixel.
const MAX_TAPS: usize = 49;

/// Convolves one channel plane `x` with its filter `w` (kh × kw) into plane `y`.
pub fn plane(g: &ConvGeom, x: &[f32], w: &[f32], bias: f32, y: &mut [f32], act: Activation) {
    let (ay, ax) = (Axis::of(g, 1), Axis::of(g, 2));
    let ow = g.output[2];
    let mut wv = [f32x4_splat(0.0); MAX_TAPS];
    for (v, &s) in wv.iter_mut().zip(w) {
        *v = f32x4_splat(s);
    }
    let vectors = w.len() <= MAX_TAPS;
    for (oy, row) in y.chunks_exact_mut(ow).enumerate() {
        let rows = Rows { x, w, wv: &wv, ay, ax, iy0: ay.origin(oy), rows: ay.taps(oy) };
        let mut ox = 0;
        while ox < ow {
            ox = match ax.stride {
                1 if vectors && rows.fits(ox, 8) => rows.vector::<1, 2>(ox, bias, act, row),
                1 if vectors && rows.fits(ox, 4) => rows.vector::<1, 1>(ox, bias, act, row),
                2 if vectors && rows.fits(ox, 8) => rows.vector::<2, 2>(ox, bias, act, row),
                2 if vectors && rows.fits(ox, 4) => rows.vector::<2, 1>(ox, bias, act, row),
                _ => rows.scalar(ox, bias, act, row),
            };
        }
    }
}

/// The input rows one output row reads.
struct Rows<'a> {
    x: &'a [f32],
    w: &'a [f32],
    /// `w` splatted, one vector per tap.
    wv: &'a [v128],
    ay: Axis,
    ax: Axis,
    iy0: isize,
    rows: (usize, usize),
}

impl Rows<'_> {
    fn input_row(&self, ky: usize) -> &[f32] {
        let iy = (self.iy0 + (ky * self.ay.dilation) as isize) as usize;
        &self.x[iy * self.ax.input..(iy + 1) * self.ax.input]
    }

    /// Whether outputs ox..ox+n read only inside the row, vector loads included (stride 2
    /// loads one element past its last tap).
    fn fits(&self, ox: usize, n: usize) -> bool {
        let first = self.ax.origin(ox);
        let reach = (n - 1) * self.ax.stride + (self.ax.kernel - 1) * self.ax.dilation + self.ax.stride;
        first >= 0 && first + reach as isize <= self.ax.input as isize
    }

    /// 4·V outputs from ox with vector loads at stride S; returns the next ox.
    #[inline(always)]
    fn vector<const S: usize, const V: usize>(&self, ox: usize, bias: f32, act: Activation, out: &mut [f32]) -> usize {
        let mut acc = [f32x4_splat(bias); V];
        let ix0 = self.ax.origin(ox) as usize;
        let kw = self.ax.kernel;
        for ky in self.rows.0..self.rows.1 {
            let input = self.input_row(ky);
            for (kx, &wv) in self.wv[ky * kw..(ky + 1) * kw].iter().enumerate() {
                let ix = ix0 + kx * self.ax.dilation;
                for (q, a) in acc.iter_mut().enumerate() {
                    *a = madd(load_strided::<S>(input, ix + 4 * q * S), wv, *a);
                }
            }
        }
        for (q, &a) in acc.iter().enumerate() {
            store(out, ox + 4 * q, act.apply4(a));
        }
        ox + 4 * V
    }

    /// One output at ox, taps clipped to the input; returns the next ox.
    fn scalar(&self, ox: usize, bias: f32, act: Activation, out: &mut [f32]) -> usize {
        let mut acc = bias;
        let (x0, x1) = self.ax.taps(ox);
        let ix0 = self.ax.origin(ox);
        for ky in self.rows.0..self.rows.1 {
            let input = self.input_row(ky);
            for kx in x0..x1 {
                acc += self.w[ky * self.ax.kernel + kx] * input[(ix0 + (kx * self.ax.dilation) as isize) as usize];
            }
        }
        out[ox] = act.apply(acc);
        ox + 1
    }
}

/// Four lanes x[i], x[i+S], x[i+2S], x[i+3S] for S of 1 or 2.
#[inline(always)]
fn load_strided<const S: usize>(x: &[f32], i: usize) -> v128 {
    if S == 1 {
        load(x, i)
    } else {
        i32x4_shuffle::<0, 2, 4, 6>(load(x, i), load(x, i + 4))
    }
}
