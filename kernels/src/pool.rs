//! Pooling over 1-, 2- and 3-D windows (handled as 3-D, missing leading axes of size 1):
//! max (with argmax indices), average (with or without the padding in the count) and Lp,
//! plus the global average and max over whole planes.
use crate::conv::tap_range;
use crate::math::pow;
use crate::simd::{load, store};
use core::arch::wasm32::*;

/// Every size of one pooling, spatial axes as (depth, height, width).
#[derive(Clone, Copy, Debug)]
pub struct PoolGeom {
    /// Batch × channels: planes pooled independently.
    pub planes: usize,
    pub input: [usize; 3],
    pub output: [usize; 3],
    pub kernel: [usize; 3],
    pub strides: [usize; 3],
    pub dilations: [usize; 3],
    /// Padding before each axis.
    pub pads: [usize; 3],
    /// Padding after each axis (it bounds which padded taps an average counts).
    pub pads_end: [usize; 3],
}

impl PoolGeom {
    /// Input elements per plane.
    pub fn input_size(&self) -> usize {
        self.input.iter().product()
    }

    /// Output elements per plane.
    pub fn output_size(&self) -> usize {
        self.output.iter().product()
    }
}

/// The taps of one output's window: per axis, the range of kernel taps inside the input
/// and the input coordinate of tap 0.
struct Window {
    taps: [(usize, usize); 3],
    origin: [isize; 3],
}

impl Window {
    /// Calls `f(index in plane, coordinates)` for every tap inside the input, row-major.
    #[inline(always)]
    fn each(&self, g: &PoolGeom, mut f: impl FnMut(usize, [usize; 3])) {
        let at = |a: usize, t: usize| (self.origin[a] + (t * g.dilations[a]) as isize) as usize;
        let [_, ih, iw] = g.input;
        for tz in self.taps[0].0..self.taps[0].1 {
            let z = at(0, tz);
            for ty in self.taps[1].0..self.taps[1].1 {
                let y = at(1, ty);
                let row = (z * ih + y) * iw;
                for tx in self.taps[2].0..self.taps[2].1 {
                    let x = at(2, tx);
                    f(row + x, [z, y, x]);
                }
            }
        }
    }

    /// Taps inside the input.
    fn inside(&self) -> usize {
        self.taps.iter().map(|(lo, hi)| hi - lo).product()
    }

    /// Taps inside the input or its explicit padding.
    fn inside_padded(&self, g: &PoolGeom) -> usize {
        (0..3)
            .map(|a| {
                let bound = g.input[a] + g.pads[a] + g.pads_end[a];
                let (lo, hi) = tap_range(
                    g.kernel[a],
                    g.dilations[a],
                    self.origin[a] + g.pads[a] as isize,
                    bound,
                );
                hi - lo
            })
            .product()
    }
}

/// The taps of output `o` along axis `a` inside the input, and the coordinate of tap 0.
#[inline(always)]
fn axis_window(g: &PoolGeom, a: usize, o: usize) -> ((usize, usize), isize) {
    let origin = (o * g.strides[a]) as isize - g.pads[a] as isize;
    let last = origin + ((g.kernel[a] - 1) * g.dilations[a]) as isize;
    // Interior windows (most of them) need no division.
    let taps = if origin >= 0 && last < g.input[a] as isize {
        (0, g.kernel[a])
    } else {
        tap_range(g.kernel[a], g.dilations[a], origin, g.input[a])
    };
    (taps, origin)
}

/// Calls `f(output index in plane, window)` for every output of a plane, in order.
#[inline(always)]
fn windows(g: &PoolGeom, mut f: impl FnMut(usize, &Window)) {
    let [od, oh, ow] = g.output;
    for oz in 0..od {
        let (tz, z) = axis_window(g, 0, oz);
        for oy in 0..oh {
            let (ty, y) = axis_window(g, 1, oy);
            for ox in 0..ow {
                let (tx, x) = axis_window(g, 2, ox);
                f(
                    (oz * oh + oy) * ow + ox,
                    &Window {
                        taps: [tz, ty, tx],
                        origin: [z, y, x],
                    },
                );
            }
        }
    }
}

/// An element max pooling compares.
pub trait MaxElem: Copy + PartialOrd {
    /// The output of a window with no tap inside the input.
    const LOWEST: Self;

    /// Max pooling of one plane whose windows all lie inside it ([`is_plain_2d`]).
    fn max_plane_2d(g: &PoolGeom, x: &[Self], y: &mut [Self]) {
        max_plane_2d(g, x, y);
    }
}

impl MaxElem for f32 {
    const LOWEST: Self = f32::MIN;

    /// Windows two wide at stride two along x, four outputs per vector.
    fn max_plane_2d(g: &PoolGeom, x: &[f32], y: &mut [f32]) {
        if g.kernel[2] == 2 && g.strides[2] == 2 {
            max_plane_2d_pairs(g, x, y);
        } else {
            max_plane_2d(g, x, y);
        }
    }
}
impl MaxElem for f64 {
    const LOWEST: Self = f64::MIN;
}
impl MaxElem for i8 {
    const LOWEST: Self = i8::MIN;
}
impl MaxElem for u8 {
    const LOWEST: Self = u8::MIN;
}

/// Max pooling; `indices` (when given) receives each max's flat index in the whole input,
/// row-major, or with the spatial axes column-major when `column_major` (storage_order 1).
/// The first of equal maxima wins.
pub fn max_pool<T: MaxElem>(
    g: &PoolGeom,
    x: &[T],
    y: &mut [T],
    mut indices: Option<&mut [i64]>,
    column_major: bool,
) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    let [id, ih, iw] = g.input;
    let flat = |c: [usize; 3]| {
        if column_major {
            c[0] + c[1] * id + c[2] * id * ih
        } else {
            (c[0] * ih + c[1]) * iw + c[2]
        }
    };
    if indices.is_none() && out_size > 0 && is_plain_2d(g) {
        for (xp, yp) in x.chunks_exact(in_size).zip(y.chunks_exact_mut(out_size)) {
            T::max_plane_2d(g, xp, yp);
        }
        return;
    }
    for p in 0..g.planes {
        let xp = &x[p * in_size..(p + 1) * in_size];
        windows(g, |o, w| {
            let mut best: Option<(T, [usize; 3])> = None;
            w.each(g, |i, c| {
                let v = xp[i];
                if best.is_none_or(|(b, _)| v > b) {
                    best = Some((v, c));
                }
            });
            y[p * out_size + o] = best.map_or(T::LOWEST, |(v, _)| v);
            if let Some(ix) = indices.as_deref_mut() {
                ix[p * out_size + o] = best.map_or(-1, |(_, c)| (p * in_size + flat(c)) as i64);
            }
        });
    }
}

/// Whether every window is a whole kh×kw block of one plane: 2-D, no padding, no
/// dilation (the output size then keeps every window inside the input).
fn is_plain_2d(g: &PoolGeom) -> bool {
    g.input[0] == 1
        && g.kernel[0] == 1
        && g.pads == [0; 3]
        && g.dilations == [1; 3]
        && (0..3).all(|a| {
            g.output[a] == 0 || (g.output[a] - 1) * g.strides[a] + g.kernel[a] <= g.input[a]
        })
}

/// Max pooling of one plane whose windows all lie inside it ([`is_plain_2d`]), with the
/// generic path's tie and NaN behaviour: the first tap starts, a later one wins if greater.
fn max_plane_2d<T: MaxElem>(g: &PoolGeom, x: &[T], y: &mut [T]) {
    let ([_, kh, kw], [_, sh, sw], iw) = (g.kernel, g.strides, g.input[2]);
    let ow = g.output[2];
    for (oy, row) in y.chunks_exact_mut(ow).enumerate() {
        for (ox, out) in row.iter_mut().enumerate() {
            let at = oy * sh * iw + ox * sw;
            let mut best = x[at];
            for ty in 0..kh {
                for &v in &x[at + ty * iw..at + ty * iw + kw] {
                    if v > best {
                        best = v;
                    }
                }
            }
            *out = best;
        }
    }
}

/// [`max_plane_2d`] for f32 windows two wide at stride two along x. Each tap replaces the
/// lanes it is greater in, so ties and NaNs go as in the scalar path.
fn max_plane_2d_pairs(g: &PoolGeom, x: &[f32], y: &mut [f32]) {
    let ([_, kh, _], sh, iw, ow) = (g.kernel, g.strides[1], g.input[2], g.output[2]);
    for (oy, row) in y.chunks_exact_mut(ow).enumerate() {
        let top = oy * sh * iw;
        let mut ox = 0;
        while ox + 4 <= ow {
            let mut best = None;
            for ty in 0..kh {
                let at = top + ty * iw + 2 * ox;
                let (a, b) = (load(x, at), load(x, at + 4));
                let even = i32x4_shuffle::<0, 2, 4, 6>(a, b);
                let odd = i32x4_shuffle::<1, 3, 5, 7>(a, b);
                let m = best.map_or(even, |m| greater(m, even));
                best = Some(greater(m, odd));
            }
            if let Some(m) = best {
                store(row, ox, m);
            }
            ox += 4;
        }
        for (o, out) in row.iter_mut().enumerate().skip(ox) {
            let at = top + 2 * o;
            let mut m = x[at];
            for ty in 0..kh {
                for &v in &x[at + ty * iw..at + ty * iw + 2] {
                    if v > m {
                        m = v;
                    }
                }
            }
            *out = m;
        }
    }
}

/// `v` in the lanes where it is greater than `best`, else `best` (a NaN never replaces or
/// is replaced).
#[inline(always)]
fn greater(best: v128, v: v128) -> v128 {
    v128_bitselect(v, best, f32x4_gt(v, best))
}

/// Average pooling: each window's sum over its taps inside the input, divided by that
/// count, or by the count including explicit padding when `count_include_pad`.
pub fn avg_pool(g: &PoolGeom, x: &[f32], y: &mut [f32], count_include_pad: bool) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    for p in 0..g.planes {
        let xp = &x[p * in_size..(p + 1) * in_size];
        windows(g, |o, w| {
            let mut sum = 0.0;
            w.each(g, |i, _| sum += xp[i]);
            let count = if count_include_pad {
                w.inside_padded(g)
            } else {
                w.inside()
            };
            y[p * out_size + o] = sum / count as f32;
        });
    }
}

/// Lp pooling: (Σ |x|^p)^(1/p) over each window's taps inside the input.
pub fn lp_pool(g: &PoolGeom, x: &[f32], y: &mut [f32], p: f64) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    for plane in 0..g.planes {
        let xp = &x[plane * in_size..(plane + 1) * in_size];
        windows(g, |o, w| {
            let mut sum = 0.0f64;
            w.each(g, |i, _| sum += pow(f64::from(xp[i].abs()), p));
            y[plane * out_size + o] = pow(sum, 1.0 / p) as f32;
        });
    }
}

/// Mean of each `size`-element plane of `x` into `y`.
pub fn global_avg(x: &[f32], y: &mut [f32], size: usize) {
    for (xp, out) in x.chunks_exact(size).zip(y.iter_mut()) {
        *out = sum(xp) / size as f32;
    }
}

/// Max of each `size`-element plane of `x` into `y`.
pub fn global_max<T: MaxElem>(x: &[T], y: &mut [T], size: usize) {
    for (xp, out) in x.chunks_exact(size).zip(y.iter_mut()) {
        *out = xp
            .iter()
            .copied()
            .fold(xp[0], |m, v| if v > m { v } else { m });
    }
}

/// Σ x with four vector accumulators.
pub fn sum(x: &[f32]) -> f32 {
    let mut acc = [f32x4_splat(0.0); 4];
    let blocks = x.chunks_exact(16);
    let tail: f32 = blocks.remainder().iter().sum();
    for b in blocks {
        for (q, a) in acc.iter_mut().enumerate() {
            *a = f32x4_add(*a, load(b, 4 * q));
        }
    }
    let v = f32x4_add(f32x4_add(acc[0], acc[1]), f32x4_add(acc[2], acc[3]));
    f32x4_extract_lane::<0>(v)
        + f32x4_extract_lane::<1>(v)
        + f32x4_extract_lane::<2>(v)
        + f32x4_extract_lane::<3>(v)
        + tail
}
