//! Resize, one axis at a time: the input coordinate of each output position, the nearest
//! index map, the interpolation taps (linear, cubic, antialiased), and the separable pass
//! that applies taps along one axis. Coordinates are computed in f64, as ONNX's reference.
use super::num::Real;
use super::Fault;
use crate::math::floor;

/// `coordinate_transformation_mode`, as the TS binding numbers it.
#[derive(Clone, Copy)]
pub enum Coord {
    HalfPixel,
    HalfPixelSymmetric,
    PytorchHalfPixel,
    AlignCorners,
    Asymmetric,
    TfHalfPixelForNn,
    TfCropAndResize,
}

impl Coord {
    pub fn from_code(code: i32) -> Option<Coord> {
        use Coord::*;
        let all = [
            HalfPixel,
            HalfPixelSymmetric,
            PytorchHalfPixel,
            AlignCorners,
            Asymmetric,
            TfHalfPixelForNn,
            TfCropAndResize,
        ];
        all.get(code as usize).copied()
    }
}

/// `nearest_mode`; `Simple` is opset 10 Resize and Upsample (ceil when shrinking, floor
/// otherwise, as ONNX Runtime does).
#[derive(Clone, Copy)]
pub enum Nearest {
    RoundPreferFloor,
    RoundPreferCeil,
    Floor,
    Ceil,
    Simple,
}

impl Nearest {
    pub fn from_code(code: i32) -> Option<Nearest> {
        use Nearest::*;
        [RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Simple]
            .get(code as usize)
            .copied()
    }
}

/// The interpolation filter of linear and cubic modes.
#[derive(Clone, Copy)]
pub enum Filter {
    Linear,
    /// With its `cubic_coeff_a`.
    Cubic(f64),
}

impl Filter {
    fn support(self) -> f64 {
        match self {
            Filter::Linear => 1.0,
            Filter::Cubic(_) => 2.0,
        }
    }

    fn weight(self, x: f64) -> f64 {
        let x = x.abs();
        match self {
            Filter::Linear => (1.0 - x).max(0.0),
            Filter::Cubic(a) if x <= 1.0 => ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0,
            Filter::Cubic(a) if x < 2.0 => ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a,
            Filter::Cubic(_) => 0.0,
        }
    }
}

/// One resized axis.
pub struct Axis {
    pub coord: Coord,
    pub in_len: usize,
    pub out_len: usize,
    /// The scale the coordinates use (given, or derived from sizes).
    pub scale: f64,
    /// tf_crop_and_resize's region, in normalized input coordinates.
    pub roi: (f64, f64),
}

impl Axis {
    /// The input coordinate of output position `x`; None where tf_crop_and_resize falls
    /// outside the input and the extrapolation value stands in.
    fn source(&self, x: usize) -> Option<f64> {
        let (x, len, out, s) = (
            x as f64,
            self.in_len as f64,
            self.out_len as f64,
            self.scale,
        );
        let half = (x + 0.5) / s - 0.5;
        Some(match self.coord {
            Coord::HalfPixel => half,
            // The reference's order of operations: it decides exact halves in nearest mode.
            Coord::HalfPixelSymmetric => len / 2.0 * (1.0 - out / (s * len)) + (x + 0.5) / s - 0.5,
            Coord::PytorchHalfPixel if self.out_len > 1 => half,
            Coord::AlignCorners if self.out_len > 1 => x * (len - 1.0) / (out - 1.0),
            Coord::PytorchHalfPixel | Coord::AlignCorners => 0.0,
            Coord::Asymmetric => x / s,
            Coord::TfHalfPixelForNn => (x + 0.5) / s,
            Coord::TfCropAndResize => {
                let (a, b) = self.roi;
                let v = if self.out_len > 1 {
                    a * (len - 1.0) + x * (b - a) * (len - 1.0) / (out - 1.0)
                } else {
                    0.5 * (a + b) * (len - 1.0)
                };
                if !(0.0..=len - 1.0).contains(&v) {
                    return None;
                }
                v
            }
        })
    }

    fn check(&self, per_out: usize, lens: &[usize]) -> Result<(), Fault> {
        let ok = self.scale > 0.0 && (self.in_len > 0 || self.out_len == 0);
        if !ok || lens.iter().any(|&l| l != self.out_len * per_out) {
            return Err(Fault::Shape);
        }
        Ok(())
    }
}

/// For each output position of `axis`, the input index nearest mode copies, or -1 to
/// extrapolate.
pub fn nearest_map(axis: &Axis, mode: Nearest, out: &mut [i32]) -> Result<(), Fault> {
    axis.check(1, &[out.len()])?;
    let last = axis.in_len as f64 - 1.0;
    for (x, o) in out.iter_mut().enumerate() {
        *o = match axis.source(x) {
            None => -1,
            Some(v) => nearest(v, mode, axis.scale).clamp(0.0, last) as i32,
        };
    }
    Ok(())
}

fn nearest(v: f64, mode: Nearest, scale: f64) -> f64 {
    let f = floor(v);
    let r = v - f;
    if r == 0.0 {
        return v;
    }
    match mode {
        Nearest::RoundPreferFloor if r <= 0.5 => f,
        Nearest::RoundPreferCeil if r < 0.5 => f,
        Nearest::Floor => f,
        Nearest::Simple if scale >= 1.0 => f,
        _ => f + 1.0,
    }
}

/// Taps per output position: the filter's support, stretched by 1/scale when antialiasing
/// a downscale.
pub fn tap_count(filter: Filter, antialias: bool, scale: f64) -> usize {
    let s = if antialias { scale.min(1.0) } else { 1.0 };
    let start = floor(-filter.support() / s) + 1.0;
    (2.0 - 2.0 * start) as usize
}

/// The options of a linear or cubic resize that shape its taps.
#[derive(Clone, Copy)]
pub struct TapRule {
    pub filter: Filter,
    pub antialias: bool,
    pub exclude_outside: bool,
}

/// For each output position of `axis`, `n` input indices and their weights (`idx[0]` of a
/// position is -1 where it extrapolates). Taps outside the input are clamped to its edge,
/// or dropped and the rest renormalized with `exclude_outside`.
pub fn taps(axis: &Axis, rule: TapRule, idx: &mut [i32], w: &mut [f64]) -> Result<(), Fault> {
    let n = tap_count(rule.filter, rule.antialias, axis.scale);
    axis.check(n, &[idx.len(), w.len()])?;
    let s = if rule.antialias {
        axis.scale.min(1.0)
    } else {
        1.0
    };
    let start = 1 - (n / 2) as i64;
    let len = axis.in_len as i64;
    for (x, (ix, wx)) in idx
        .chunks_exact_mut(n)
        .zip(w.chunks_exact_mut(n))
        .enumerate()
    {
        let Some(v) = axis.source(x) else {
            ix.fill(-1);
            wx.fill(0.0);
            continue;
        };
        // Offsets count from the input index left of `v`; an exact hit counts as ratio 1.
        let (mut base, mut ratio) = (floor(v), v - floor(v));
        if ratio == 0.0 {
            base -= 1.0;
            ratio = 1.0;
        }
        let mut sum = 0.0;
        for (t, (i, wt)) in ix.iter_mut().zip(wx.iter_mut()).enumerate() {
            let off = start + t as i64;
            let at = base as i64 + off;
            let inside = (0..len).contains(&at);
            *wt = if rule.exclude_outside && !inside {
                0.0
            } else {
                rule.filter.weight((off as f64 - ratio) * s)
            };
            *i = at.clamp(0, len - 1) as i32;
            sum += *wt;
        }
        if (rule.antialias || rule.exclude_outside) && sum != 0.0 {
            wx.iter_mut().for_each(|wt| *wt /= sum);
        }
    }
    Ok(())
}

/// The shape of one separable pass: `src` is `[outer, in_len, inner]`, `dst`
/// `[outer, out_len, inner]` with `n` taps per output position.
pub struct Pass {
    pub outer: usize,
    pub in_len: usize,
    pub inner: usize,
    pub n: usize,
}

/// Applies taps along one axis.
pub fn apply<W: Real>(
    src: &[W],
    dst: &mut [W],
    p: &Pass,
    idx: &[i32],
    w: &[f64],
    extrapolation: W,
) -> Result<(), Fault> {
    let n = p.n;
    let out_len = idx.len().checked_div(n).ok_or(Fault::Shape)?;
    let plane = p.in_len * p.inner;
    let lens_ok = idx.len() == out_len * n && w.len() == idx.len() && src.len() == p.outer * plane;
    let taps_ok = idx
        .chunks_exact(n)
        .all(|t| t[0] == -1 || t.iter().all(|&i| i >= 0 && (i as usize) < p.in_len));
    if !lens_ok || !taps_ok || dst.len() != p.outer * out_len * p.inner {
        return Err(Fault::Shape);
    }
    if dst.is_empty() {
        return Ok(());
    }
    for (o, out) in dst.chunks_exact_mut(out_len * p.inner).enumerate() {
        let src = &src[o * plane..(o + 1) * plane];
        if p.inner == 1 {
            dot_pass(src, out, idx, w, n, extrapolation);
        } else {
            for (j, row) in out.chunks_exact_mut(p.inner).enumerate() {
                let (ix, wx) = (&idx[j * n..(j + 1) * n], &w[j * n..(j + 1) * n]);
                if ix[0] < 0 {
                    row.fill(extrapolation);
                } else {
                    accumulate_rows(src, row, ix, wx);
                }
            }
        }
    }
    Ok(())
}

/// Along the last axis: each output is a dot product of its taps. Linear and cubic tap
/// counts get their own inlined copies, whose loops the compiler unrolls.
fn dot_pass<W: Real>(src: &[W], out: &mut [W], idx: &[i32], w: &[f64], n: usize, extrapolation: W) {
    match n {
        2 => dot_taps(src, out, idx, w, 2, extrapolation),
        4 => dot_taps(src, out, idx, w, 4, extrapolation),
        _ => dot_taps(src, out, idx, w, n, extrapolation),
    }
}

#[inline(always)]
fn dot_taps<W: Real>(src: &[W], out: &mut [W], idx: &[i32], w: &[f64], n: usize, extrapolation: W) {
    for ((o, ix), wx) in out
        .iter_mut()
        .zip(idx.chunks_exact(n))
        .zip(w.chunks_exact(n))
    {
        *o = if ix[0] < 0 {
            extrapolation
        } else {
            ix.iter().zip(wx).fold(W::default(), |acc, (&i, &wt)| {
                acc + W::from_f64(wt) * src[i as usize]
            })
        };
    }
}

/// `row = Σ w[t] · src[ix[t]]` over whole rows, which the compiler vectorizes; the first
/// tap writes, the rest accumulate.
fn accumulate_rows<W: Real>(src: &[W], row: &mut [W], ix: &[i32], wx: &[f64]) {
    let inner = row.len();
    let line = |i: i32| &src[i as usize * inner..(i as usize + 1) * inner];
    let w0 = W::from_f64(wx[0]);
    for (d, &x) in row.iter_mut().zip(line(ix[0])) {
        *d = w0 * x;
    }
    for (&i, &wt) in ix.iter().zip(wx).skip(1) {
        if wt == 0.0 {
            continue;
        }
        let wt = W::from_f64(wt);
        for (d, &x) in row.iter_mut().zip(line(i)) {
            *d = *d + wt * x;
        }
    }
}
