//! Direct depthwise 2-D convolution (one filter per channel): the GEMM formulation would
//! have a single row per group, so this walks each output row instead, eight pixels per
//! step in vector registers, taps read straight from the input rows (stride 1 and 2 are
//! vectorized; other strides run per pixel). A padded convolution first copies each plane
//! into a zero-bordered buffer, so its borders run on the vector path too.
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

/// Columns of a plane padded for `g` (stride-2 vector loads read one element past their
/// last tap).
fn padded_width(g: &ConvGeom) -> usize {
    g.reach(2) + 1
}

/// The top padding a padded plane holds, and its rows. A tall image gets its padding rows,
/// so that every output row takes the two-row path; a short one (a few rows, as in text
/// recognizers) keeps only its own rows, and each output row's taps stop at them instead
/// of multiplying the padding.
fn padded_rows(g: &ConvGeom) -> (usize, usize) {
    if g.output[1] >= 4 * g.kernel[1] {
        (g.pads[1], g.reach(1))
    } else {
        (0, g.input[1])
    }
}

/// Floats of scratch [`run`] needs: one padded plane when the convolution pads.
pub fn scratch_len(g: &ConvGeom) -> usize {
    if g.pads == [0; 3] || g.output_size() == 0 {
        0
    } else {
        padded_rows(g).1 * padded_width(g)
    }
}

/// y = act(depthwise conv(x, w) + bias) over every plane; `scratch` holds
/// [`scratch_len`] floats. Sizes are checked by the caller.
pub fn run(
    g: &ConvGeom,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
    act: Activation,
    scratch: &mut [f32],
) {
    let (in_size, out_size, k) = (g.input_size(), g.output_size(), g.kernel_size());
    let pads = scratch_len(g) > 0;
    let ((top, rows), pw) = (padded_rows(g), padded_width(g));
    let flat = ConvGeom {
        input: [1, rows, pw],
        pads: [0, g.pads[1] - top, 0],
        ..*g
    };
    for (p, (xp, yp)) in x
        .chunks_exact(in_size)
        .zip(y.chunks_exact_mut(out_size))
        .enumerate()
    {
        let c = p % g.cin;
        let (wc, b) = (&w[c * k..(c + 1) * k], bias.map_or(0.0, |b| b[c]));
        if pads {
            let buf = &mut scratch[..rows * pw];
            pad_plane(g, xp, top, pw, buf);
            plane(&flat, buf, wc, b, yp, act);
        } else {
            plane(g, xp, wc, b, yp, act);
        }
    }
}

/// Copies plane `x` into `buf` (rows of `pw`) below `top` zero rows and after the left
/// padding, zeros around it.
fn pad_plane(g: &ConvGeom, x: &[f32], top: usize, pw: usize, buf: &mut [f32]) {
    buf.fill(0.0);
    let (pl, iw) = (g.pads[2], g.input[2]);
    let width = iw.min(pw.saturating_sub(pl));
    for (r, row) in x.chunks_exact(iw).enumerate() {
        let Some(dst) = buf.get_mut((r + top) * pw + pl..(r + top) * pw + pl + width) else {
            break;
        };
        dst.copy_from_slice(&row[..width]);
    }
}

/// Convolves one channel plane `x` with its filter `w` (kh × kw) into plane `y`.
fn plane(g: &ConvGeom, x: &[f32], w: &[f32], bias: f32, y: &mut [f32], act: Activation) {
    let (ay, ax) = (Axis::of(g, 1), Axis::of(g, 2));
    let ow = g.output[2];
    let mut wv = [f32x4_splat(0.0); MAX_TAPS];
    for (v, &s) in wv.iter_mut().zip(w) {
        *v = f32x4_splat(s);
    }
    let vectors = w.len() <= MAX_TAPS;
    // Width-3 and width-5 filters without dilation get unrolled, check-free taps.
    let width = if vectors && ax.dilation == 1 {
        ax.kernel
    } else {
        0
    };
    let rows = |oy: usize| Rows {
        x,
        w,
        wv: &wv,
        ay,
        ax,
        iy0: ay.origin(oy),
        rows: ay.taps(oy),
    };
    let [first, end] = g.rows;
    let full = |oy: usize| oy < end && ay.taps(oy) == (0, ay.kernel);
    let pairs = ay.stride == 1 && ay.dilation == 1 && width != 0 && ax.stride <= 2;
    let mut oy = first;
    while oy < end {
        let rest = &mut y[oy * ow..];
        if pairs && full(oy) && full(oy + 1) {
            let (out0, out1) = rest[..2 * ow].split_at_mut(ow);
            let r = rows(oy);
            match (ax.stride, width) {
                (1, 3) => r.two_rows::<1, 3>(bias, act, out0, out1),
                (1, 5) => r.two_rows::<1, 5>(bias, act, out0, out1),
                (2, 3) => r.two_rows::<2, 3>(bias, act, out0, out1),
                (2, 5) => r.two_rows::<2, 5>(bias, act, out0, out1),
                (1, _) => r.two_rows::<1, 0>(bias, act, out0, out1),
                _ => r.two_rows::<2, 0>(bias, act, out0, out1),
            }
            oy += 2;
            continue;
        }
        let (r, out) = (rows(oy), &mut rest[..ow]);
        let mut ox = 0;
        while ox < ow {
            ox = match (vectors, ax.stride, width) {
                (true, 1, 3) => r.step::<1, 3>(ox, bias, act, out),
                (true, 1, 5) => r.step::<1, 5>(ox, bias, act, out),
                (true, 1, _) => r.step::<1, 0>(ox, bias, act, out),
                (true, 2, 3) => r.step::<2, 3>(ox, bias, act, out),
                (true, 2, 5) => r.step::<2, 5>(ox, bias, act, out),
                (true, 2, _) => r.step::<2, 0>(ox, bias, act, out),
                _ => r.scalar(ox, bias, act, out),
            };
        }
        oy += 1;
    }
}

/// The input rows one output row reads.
#[derive(Clone, Copy)]
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
        let reach =
            (n - 1) * self.ax.stride + (self.ax.kernel - 1) * self.ax.dilation + self.ax.stride;
        first >= 0 && first + reach as isize <= self.ax.input as isize
    }

    /// As many outputs from ox as one step takes (16, 8 or 4 by vector, else 1); returns the
    /// next ox. S is the stride along x, KW the kernel width when specialized (else 0).
    #[inline(always)]
    fn step<const S: usize, const KW: usize>(
        &self,
        ox: usize,
        bias: f32,
        act: Activation,
        out: &mut [f32],
    ) -> usize {
        if ox + 16 <= out.len() && self.fits(ox, 16) {
            self.vector::<S, 4, KW>(ox, bias, act, out)
        } else if ox + 8 <= out.len() && self.fits(ox, 8) {
            self.vector::<S, 2, KW>(ox, bias, act, out)
        } else if ox + 4 <= out.len() && self.fits(ox, 4) {
            self.vector::<S, 1, KW>(ox, bias, act, out)
        } else {
            self.scalar(ox, bias, act, out)
        }
    }

    /// 4·V outputs from ox with vector loads at stride S; returns the next ox.
    #[inline(always)]
    fn vector<const S: usize, const V: usize, const KW: usize>(
        &self,
        ox: usize,
        bias: f32,
        act: Activation,
        out: &mut [f32],
    ) -> usize {
        let mut acc = [f32x4_splat(bias); V];
        let ix0 = self.ax.origin(ox) as usize;
        // Constant when specialized, so the loops unroll and the slicing below is the only
        // bounds check.
        let (kw, d) = if KW == 0 {
            (self.ax.kernel, self.ax.dilation)
        } else {
            (KW, 1)
        };
        let reach = (kw - 1) * d + 4 * V * S;
        for ky in self.rows.0..self.rows.1 {
            let input = &self.input_row(ky)[ix0..ix0 + reach];
            for (kx, &wv) in self.wv[ky * kw..(ky + 1) * kw].iter().enumerate() {
                for (q, a) in acc.iter_mut().enumerate() {
                    *a = madd(load_strided::<S>(input, kx * d + 4 * q * S), wv, *a);
                }
            }
        }
        for (q, &a) in acc.iter().enumerate() {
            store(out, ox + 4 * q, act.apply4(a));
        }
        ox + 4 * V
    }

    /// Output rows oy and oy+1 together (stride and dilation 1 down, both rows' taps all
    /// inside): each input row is loaded once and feeds both.
    fn two_rows<const S: usize, const KW: usize>(
        &self,
        bias: f32,
        act: Activation,
        out0: &mut [f32],
        out1: &mut [f32],
    ) {
        let below = Rows {
            iy0: self.iy0 + 1,
            ..*self
        };
        let mut ox = 0;
        while ox < out0.len() {
            ox = if ox + 16 <= out0.len() && self.fits(ox, 16) {
                self.vector2::<S, 4, KW>(ox, bias, act, [out0, out1])
            } else if ox + 8 <= out0.len() && self.fits(ox, 8) {
                self.vector2::<S, 2, KW>(ox, bias, act, [out0, out1])
            } else if ox + 4 <= out0.len() && self.fits(ox, 4) {
                self.vector2::<S, 1, KW>(ox, bias, act, [out0, out1])
            } else {
                below.scalar(ox, bias, act, out1);
                self.scalar(ox, bias, act, out0)
            };
        }
    }

    /// 4·V outputs from ox in each of two rows; returns the next ox.
    #[inline(always)]
    fn vector2<const S: usize, const V: usize, const KW: usize>(
        &self,
        ox: usize,
        bias: f32,
        act: Activation,
        out: [&mut [f32]; 2],
    ) -> usize {
        let mut acc = [[f32x4_splat(bias); V]; 2];
        let ix0 = self.ax.origin(ox) as usize;
        let kw = if KW == 0 { self.ax.kernel } else { KW };
        let (kh, reach) = (self.ay.kernel, kw - 1 + 4 * V * S);
        // Input row r is tap r of the upper output row and tap r-1 of the lower one.
        let row = |r: usize| &self.input_row(r)[ix0..ix0 + reach];
        let w = |r: usize| &self.wv[r * kw..(r + 1) * kw];
        taps_into::<S, V>(row(0), [Some(w(0)), None], &mut acc);
        for r in 1..kh {
            taps_into::<S, V>(row(r), [Some(w(r)), Some(w(r - 1))], &mut acc);
        }
        taps_into::<S, V>(row(kh), [None, Some(w(kh - 1))], &mut acc);
        for (a, o) in acc.iter().zip(out) {
            for (q, &aq) in a.iter().enumerate() {
                store(o, ox + 4 * q, act.apply4(aq));
            }
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
                acc += self.w[ky * self.ax.kernel + kx]
                    * input[(ix0 + (kx * self.ax.dilation) as isize) as usize];
            }
        }
        out[ox] = act.apply(acc);
        ox + 1
    }
}

/// acc[t] += the taps of weight row `w[t]` (when given) over one input row, 4·V outputs.
#[inline(always)]
fn taps_into<const S: usize, const V: usize>(
    input: &[f32],
    w: [Option<&[v128]>; 2],
    acc: &mut [[v128; V]; 2],
) {
    let kw = w[0].or(w[1]).map_or(0, |r| r.len());
    for kx in 0..kw {
        let v: [v128; V] = core::array::from_fn(|q| load_strided::<S>(input, kx + 4 * q * S));
        for (a, wr) in acc.iter_mut().zip(w) {
            if let Some(wr) = wr {
                for (aq, &vq) in a.iter_mut().zip(&v) {
                    *aq = madd(vq, wr[kx], *aq);
                }
            }
        }
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
