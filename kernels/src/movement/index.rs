//! Index-driven movement: Gather, GatherElements, GatherND, the per-axis map gather that
//! serves Pad and nearest Resize, and the maps of Pad's modes.
use super::{strides_of, wrap_index, Fault, MAX_RANK};
use crate::simd::{copy, load, store};
use core::arch::wasm32::*;

/// An integer index element (Gather and Scatter take int32 or int64 indices).
pub trait Index: Copy {
    fn get(self) -> i64;
}

impl Index for i32 {
    #[inline(always)]
    fn get(self) -> i64 {
        self as i64
    }
}

impl Index for i64 {
    #[inline(always)]
    fn get(self) -> i64 {
        self
    }
}

/// The elements [`gather_maps`] moves: rows go value by value, or faster where a type
/// has a way.
pub trait MapRows: Copy {
    /// dst[j] = src[base + map[j]], `fill` where map[j] is -1; `repeat` is the f when map[j]
    /// is j / f throughout, 0 otherwise (see [`repeat_factor`]).
    fn gather_row(
        dst: &mut [Self],
        src: &[Self],
        base: usize,
        map: &[i32],
        fill: Self,
        _repeat: usize,
    ) {
        gather_each(dst, src, base, map, fill);
    }

    /// The row `prev` again into `row` (upsampling repeats whole rows).
    fn repeat_row(prev: &[Self], row: &mut [Self]) {
        row.copy_from_slice(prev);
    }
}

impl MapRows for u8 {}
impl MapRows for u16 {}
impl MapRows for u64 {}

/// Four-byte elements of any type, moved as f32 bits (loads and stores keep every bit):
/// rows repeat by vector copies, and a map repeating each value 2, 4, 8, ... times
/// (nearest Resize by an integer factor) writes whole vectors.
impl MapRows for f32 {
    fn gather_row(
        dst: &mut [f32],
        src: &[f32],
        base: usize,
        map: &[i32],
        fill: f32,
        repeat: usize,
    ) {
        match repeat {
            2 => {
                let src = &src[base..base + map.len() / 2];
                for (out, v) in dst[..map.len()]
                    .chunks_exact_mut(8)
                    .zip(src.chunks_exact(4))
                {
                    let v = load(v, 0);
                    store(out, 0, i32x4_shuffle::<0, 0, 1, 1>(v, v));
                    store(out, 4, i32x4_shuffle::<2, 2, 3, 3>(v, v));
                }
            }
            0 => gather_each(dst, src, base, map, fill),
            f => {
                let src = &src[base..base + map.len() / f];
                for (out, &v) in dst[..map.len()].chunks_exact_mut(f).zip(src) {
                    for q in out.chunks_exact_mut(4) {
                        store(q, 0, f32x4_splat(v));
                    }
                }
            }
        }
    }

    fn repeat_row(prev: &[f32], row: &mut [f32]) {
        copy(row, prev);
    }
}

/// dst[j] = src[base + map[j]], `fill` where map[j] is -1: one value at a time.
fn gather_each<T: Copy>(dst: &mut [T], src: &[T], base: usize, map: &[i32], fill: T) {
    for (o, &m) in dst.iter_mut().zip(map) {
        *o = if m < 0 { fill } else { src[base + m as usize] };
    }
}

/// The f with `map[j] = j / f` throughout, when f is 2 or a multiple of 4 and the map is
/// whole vectors of output; else 0.
fn repeat_factor(map: &[i32]) -> usize {
    let f = map.iter().take_while(|&&m| m == 0).count();
    let fits = (f == 2 && map.len() % 8 == 0) || (f > 0 && f % 4 == 0 && map.len() % f == 0);
    let repeats = map
        .iter()
        .enumerate()
        .all(|(j, &m)| m == (j / f.max(1)) as i32);
    if fits && repeats {
        f
    } else {
        0
    }
}

/// Gather along one axis of `src` seen as `[outer, axis_dim, inner]`.
pub fn gather<T: Copy, I: Index>(
    src: &[T],
    idx: &[I],
    dst: &mut [T],
    outer: usize,
    axis_dim: usize,
    inner: usize,
) -> Result<(), Fault> {
    let n = idx.len();
    if src.len() != outer * axis_dim * inner || dst.len() != outer * n * inner {
        return Err(Fault::Shape);
    }
    for o in 0..outer {
        for (k, &i) in idx.iter().enumerate() {
            let s = (o * axis_dim + wrap_index(i.get(), axis_dim)?) * inner;
            let d = (o * n + k) * inner;
            if inner == 1 {
                dst[d] = src[s];
            } else {
                dst[d..d + inner].copy_from_slice(&src[s..s + inner]);
            }
        }
    }
    Ok(())
}

/// The element-wise walk GatherElements and ScatterElements share: for each position `p`
/// of the indices, calls `f(p, base)` where `base` is the data offset of that position
/// with its `axis` coordinate left at 0.
pub fn element_walk(
    idx_dims: &[usize],
    data_dims: &[usize],
    axis: usize,
    mut f: impl FnMut(usize, usize) -> Result<(), Fault>,
) -> Result<(), Fault> {
    let r = idx_dims.len();
    if r == 0 || r > MAX_RANK || data_dims.len() != r || axis >= r {
        return Err(Fault::Shape);
    }
    if (0..r).any(|d| d != axis && idx_dims[d] > data_dims[d]) {
        return Err(Fault::Shape);
    }
    let mut stride = [0usize; MAX_RANK];
    strides_of(data_dims, &mut stride);
    let total: usize = idx_dims.iter().product();
    let (mut m, mut base) = ([0usize; MAX_RANK], 0usize);
    for p in 0..total {
        f(p, base)?;
        let mut d = r;
        while d > 0 {
            d -= 1;
            m[d] += 1;
            let step = if d == axis { 0 } else { stride[d] };
            base += step;
            if m[d] < idx_dims[d] {
                break;
            }
            base -= step * idx_dims[d];
            m[d] = 0;
        }
    }
    Ok(())
}

/// Row-major stride of `axis` in a tensor of `dims`.
pub fn axis_stride(dims: &[usize], axis: usize) -> usize {
    dims[axis + 1..].iter().product()
}

/// GatherElements: `dst` has the indices' shape.
pub fn gather_elements<T: Copy, I: Index>(
    src: &[T],
    idx: &[I],
    dst: &mut [T],
    idx_dims: &[usize],
    data_dims: &[usize],
    axis: usize,
) -> Result<(), Fault> {
    let total: usize = idx_dims.iter().product();
    if idx.len() != total || dst.len() != total || src.len() != data_dims.iter().product() {
        return Err(Fault::Shape);
    }
    let (len, step) = (data_dims[axis], axis_stride(data_dims, axis));
    element_walk(idx_dims, data_dims, axis, |p, base| {
        dst[p] = src[base + wrap_index(idx[p].get(), len)? * step];
        Ok(())
    })
}

/// Offsets of the index tuples GatherND and ScatterND take: `dims` are the indexed dims
/// of the data, each followed by `inner` elements.
pub struct TupleSpace<'a> {
    dims: &'a [usize],
    strides: [usize; MAX_RANK],
    /// Elements one tuple addresses in full (the data of one batch).
    pub span: usize,
}

impl<'a> TupleSpace<'a> {
    pub fn new(dims: &'a [usize], inner: usize) -> Result<Self, Fault> {
        if dims.len() > MAX_RANK {
            return Err(Fault::Shape);
        }
        let mut strides = [0usize; MAX_RANK];
        strides_of(dims, &mut strides);
        for s in strides.iter_mut().take(dims.len()) {
            *s *= inner;
        }
        Ok(TupleSpace {
            dims,
            strides,
            span: dims.iter().product::<usize>() * inner,
        })
    }

    /// Indices in one tuple.
    pub fn tuple_len(&self) -> usize {
        self.dims.len()
    }

    /// Data offset (within a batch) of one index tuple.
    pub fn offset<I: Index>(&self, tuple: &[I]) -> Result<usize, Fault> {
        let mut off = 0;
        for (j, &i) in tuple.iter().enumerate() {
            off += wrap_index(i.get(), self.dims[j])? * self.strides[j];
        }
        Ok(off)
    }
}

/// GatherND over `batch` batches of `tuples / batch` index tuples each.
pub fn gather_nd<T: Copy, I: Index>(
    src: &[T],
    idx: &[I],
    dst: &mut [T],
    batch: usize,
    tuples: usize,
    space: &TupleSpace,
    inner: usize,
) -> Result<(), Fault> {
    let k = space.tuple_len();
    let ok = batch > 0 && tuples % batch == 0;
    if !ok
        || idx.len() != tuples * k
        || src.len() != batch * space.span
        || dst.len() != tuples * inner
    {
        return Err(Fault::Shape);
    }
    let per_batch = tuples / batch;
    for t in 0..tuples {
        let s = (t / per_batch) * space.span + space.offset(&idx[t * k..t * k + k])?;
        dst[t * inner..(t + 1) * inner].copy_from_slice(&src[s..s + inner]);
    }
    Ok(())
}

/// Gathers through one index map per axis: `dst[j0, .., jn] = src[map0[j0], .., mapn[jn]]`,
/// or `fill` where any map holds -1. `maps` holds the axes' maps one after another.
pub fn gather_maps<T: MapRows>(
    src: &[T],
    dst: &mut [T],
    out_dims: &[usize],
    src_dims: &[usize],
    maps: &[i32],
    fill: T,
) -> Result<(), Fault> {
    let r = out_dims.len();
    let mut starts = [0usize; MAX_RANK + 1];
    if r > MAX_RANK || src_dims.len() != r {
        return Err(Fault::Shape);
    }
    for a in 0..r {
        starts[a + 1] = starts[a] + out_dims[a];
    }
    let bad = |a: usize, m: i32| m < -1 || m as i64 >= src_dims[a] as i64;
    if maps.len() != starts[r]
        || (0..r).any(|a| maps[starts[a]..starts[a + 1]].iter().any(|&m| bad(a, m)))
    {
        return Err(Fault::Shape);
    }
    if src.len() != src_dims.iter().product() || dst.len() != out_dims.iter().product() {
        return Err(Fault::Shape);
    }
    if r == 0 {
        dst[0] = src[0];
        return Ok(());
    }
    let mut stride = [0usize; MAX_RANK];
    strides_of(src_dims, &mut stride);
    let last = &maps[starts[r - 1]..];
    let width = out_dims[r - 1];
    if width == 0 {
        return Ok(());
    }
    let row_of = |row: usize| {
        let (mut rest, mut base, mut inside) = (row, 0usize, true);
        for a in (0..r - 1).rev() {
            let m = maps[starts[a] + rest % out_dims[a]];
            rest /= out_dims[a];
            inside &= m >= 0;
            base += m.max(0) as usize * stride[a];
        }
        (base, inside)
    };
    let repeat = repeat_factor(&last[..width]);
    let mut prev = None;
    for at in (0..dst.len()).step_by(width) {
        let (base, inside) = row_of(at / width);
        if prev == Some((base, inside)) {
            // Upsampling repeats whole rows: copying the previous one is cheaper.
            let (before, row) = dst.split_at_mut(at);
            T::repeat_row(&before[at - width..], &mut row[..width]);
        } else if !inside {
            dst[at..at + width].fill(fill);
        } else {
            T::gather_row(
                &mut dst[at..at + width],
                src,
                base,
                &last[..width],
                fill,
                repeat,
            );
        }
        prev = Some((base, inside));
    }
    Ok(())
}

/// Pad's modes, as the TS binding numbers them.
#[derive(Clone, Copy)]
pub enum PadMode {
    Constant,
    Reflect,
    Edge,
    Wrap,
}

impl PadMode {
    pub fn from_code(code: i32) -> Option<PadMode> {
        [
            PadMode::Constant,
            PadMode::Reflect,
            PadMode::Edge,
            PadMode::Wrap,
        ]
        .get(code as usize)
        .copied()
    }
}

/// The map of one padded axis: for each output position, the input index it copies, or
/// -1 for the constant. Negative pads crop first; the modes then see the cropped range.
pub fn pad_map(
    mode: PadMode,
    len: usize,
    begin: i64,
    end: i64,
    out: &mut [i32],
) -> Result<(), Fault> {
    let crop = (-begin).max(0);
    let kept = len as i64 - crop - (-end).max(0);
    if out.len() as i64 != len as i64 + begin + end
        || (kept <= 0 && !out.is_empty() && !matches!(mode, PadMode::Constant))
    {
        return Err(Fault::Shape);
    }
    let lead = begin.max(0);
    for (j, o) in out.iter_mut().enumerate() {
        let r = j as i64 - lead;
        let m = match mode {
            PadMode::Constant => (0..kept).contains(&r).then_some(r),
            PadMode::Edge => Some(r.clamp(0, kept - 1)),
            PadMode::Wrap => Some(r.rem_euclid(kept)),
            PadMode::Reflect if kept == 1 => Some(0),
            PadMode::Reflect => {
                let period = 2 * (kept - 1);
                let q = r.rem_euclid(period);
                Some(if q < kept { q } else { period - q })
            }
        };
        *o = m.map_or(-1, |m| (m + crop) as i32);
    }
    Ok(())
}
