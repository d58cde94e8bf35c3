//! Strided copies between buffers of one element width: the engine of Transpose, Slice,
//! Expand, Tile, Concat, Split, DepthToSpace, SpaceToDepth and constant Pad.
use super::{Fault, MAX_RANK};

/// Side of the square blocks a transposing copy moves at a time, so both the rows it reads
/// and the rows it writes stay in cache.
const BLOCK: usize = 16;

/// One strided walk: per-dim sizes and the steps (in elements, possibly negative) it takes
/// through the source and the destination.
pub struct Walk<'a> {
    pub dims: &'a [i32],
    pub src_strides: &'a [i32],
    pub dst_strides: &'a [i32],
}

/// A walk with unit dims dropped and mergeable neighbours merged.
struct Plan {
    rank: usize,
    dims: [usize; MAX_RANK],
    ss: [isize; MAX_RANK],
    ds: [isize; MAX_RANK],
}

impl Plan {
    /// The simplified walk, or None when it visits no element.
    fn new(w: &Walk) -> Result<Option<Plan>, Fault> {
        let n = w.dims.len();
        if n > MAX_RANK || w.src_strides.len() != n || w.dst_strides.len() != n {
            return Err(Fault::Shape);
        }
        let mut p = Plan {
            rank: 0,
            dims: [0; MAX_RANK],
            ss: [0; MAX_RANK],
            ds: [0; MAX_RANK],
        };
        for i in 0..n {
            let d = usize::try_from(w.dims[i]).map_err(|_| Fault::Shape)?;
            let (s, t) = (w.src_strides[i] as isize, w.dst_strides[i] as isize);
            if d == 0 {
                return Ok(None);
            }
            if d == 1 {
                continue;
            }
            let r = p.rank;
            let di = d as isize;
            if r > 0 && p.ss[r - 1] == s * di && p.ds[r - 1] == t * di {
                p.dims[r - 1] *= d;
                p.ss[r - 1] = s;
                p.ds[r - 1] = t;
            } else {
                p.dims[r] = d;
                p.ss[r] = s;
                p.ds[r] = t;
                p.rank += 1;
            }
        }
        Ok(Some(p))
    }

    /// Whether every offset the walk reaches from `off` through `strides` lies in `len`.
    fn fits(&self, strides: &[isize; MAX_RANK], off: usize, len: usize) -> bool {
        let (mut lo, mut hi) = (off as i64, off as i64);
        for i in 0..self.rank {
            let span = (self.dims[i] as i64 - 1) * strides[i] as i64;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        lo >= 0 && hi < len as i64
    }

    /// Calls `f(src, dst)` with the start offsets of every line along the last dim, also
    /// leaving dim `skip` to `f` (pass the last dim to leave none).
    fn for_each_line(&self, skip: usize, so: isize, d0: isize, mut f: impl FnMut(usize, usize)) {
        let mut idx = [0usize; MAX_RANK];
        let (mut s, mut d) = (so, d0);
        loop {
            f(s as usize, d as usize);
            let mut k = self.rank - 1;
            loop {
                if k == 0 {
                    return;
                }
                k -= 1;
                if k == skip {
                    continue;
                }
                idx[k] += 1;
                s += self.ss[k];
                d += self.ds[k];
                if idx[k] < self.dims[k] {
                    break;
                }
                s -= self.ss[k] * self.dims[k] as isize;
                d -= self.ds[k] * self.dims[k] as isize;
                idx[k] = 0;
            }
        }
    }
}

/// Copies the elements a strided walk visits from `src` (starting at `src_off`) to `dst`
/// (starting at `dst_off`).
/// Fast paths: contiguous rows become slice copies, and a walk that reads one dim with
/// unit stride while writing another with unit stride (a transpose such as NCHW↔NHWC)
/// moves square blocks.
pub fn copy<T: Copy>(
    src: &[T],
    src_off: usize,
    dst: &mut [T],
    dst_off: usize,
    walk: &Walk,
) -> Result<(), Fault> {
    let Some(p) = Plan::new(walk)? else {
        return Ok(());
    };
    if !p.fits(&p.ss, src_off, src.len()) || !p.fits(&p.ds, dst_off, dst.len()) {
        return Err(Fault::Shape);
    }
    if p.rank == 0 {
        dst[dst_off] = src[src_off];
        return Ok(());
    }
    let last = p.rank - 1;
    let plane = (0..last).find(|&k| p.ss[k] == 1);
    match plane {
        Some(k) if p.ds[last] == 1 && p.ss[last] != 1 => {
            transpose_lines(&p, k, src, src_off, dst, dst_off)
        }
        _ => row_lines(&p, src, src_off, dst, dst_off),
    }
    Ok(())
}

fn row_lines<T: Copy>(p: &Plan, src: &[T], so: usize, dst: &mut [T], d0: usize) {
    let last = p.rank - 1;
    let (n, s, d) = (p.dims[last], p.ss[last], p.ds[last]);
    p.for_each_line(last, so as isize, d0 as isize, |a, b| {
        if s == 1 && d == 1 {
            dst[b..b + n].copy_from_slice(&src[a..a + n]);
        } else {
            for i in 0..n as isize {
                dst[(b as isize + i * d) as usize] = src[(a as isize + i * s) as usize];
            }
        }
    });
}

/// Dim `k` is read with unit stride, the last dim written with unit stride.
fn transpose_lines<T: Copy>(p: &Plan, k: usize, src: &[T], so: usize, dst: &mut [T], d0: usize) {
    let last = p.rank - 1;
    let (rows, cols) = (p.dims[k], p.dims[last]);
    let (row_step, col_step) = (p.ds[k], p.ss[last]);
    p.for_each_line(k, so as isize, d0 as isize, |a, b| {
        for r0 in (0..rows).step_by(BLOCK) {
            for c0 in (0..cols).step_by(BLOCK) {
                for r in r0..(r0 + BLOCK).min(rows) {
                    let out = (b as isize + r as isize * row_step) as usize;
                    for c in c0..(c0 + BLOCK).min(cols) {
                        dst[out + c] =
                            src[(a as isize + r as isize + c as isize * col_step) as usize];
                    }
                }
            }
        }
    });
}

/// Sets every element of `dst` to `value`.
pub fn fill<T: Copy>(dst: &mut [T], value: T) {
    dst.fill(value);
}

/// Trilu over `src` seen as `[batch, rows, cols]`: keeps the elements on and above
/// (`upper`) or on and below the `k`-th diagonal, zeroes the rest.
pub fn trilu<T: Copy + Default>(
    src: &[T],
    dst: &mut [T],
    rows: usize,
    cols: usize,
    k: i64,
    upper: bool,
) {
    let plane = rows * cols;
    if plane == 0 {
        return;
    }
    for (s, d) in src.chunks_exact(plane).zip(dst.chunks_exact_mut(plane)) {
        for i in 0..rows {
            let edge = i as i64 + k;
            let (lo, hi) = if upper {
                (edge, cols as i64)
            } else {
                (0, edge + 1)
            };
            let lo = lo.clamp(0, cols as i64) as usize;
            let hi = hi.clamp(lo as i64, cols as i64) as usize;
            let row = i * cols;
            d[row..row + cols].fill(T::default());
            d[row + lo..row + hi].copy_from_slice(&s[row + lo..row + hi]);
        }
    }
}
