//! Raw exports of the gathers, Pad's maps and the scatters.
use super::super::status::{BAD_ARGS, BAD_POINTER};
use super::super::{dst, src};
use super::{aligned, read_dims, read_two, status};
use crate::half::F16;
use crate::movement::index::{self, PadMode, TupleSpace};
use crate::movement::num::Bool;
use crate::movement::scatter::{self, Reduction};
use crate::movement::MAX_RANK;

/// Gather along the middle axis of `s` seen as `[outer, axis_dim, inner]`.
///
/// # Safety
/// `s` holds `outer * axis_dim * inner` elements, `idx` `n_idx` indices of `idx_bytes`
/// bytes and `d` `outer * n_idx * inner` elements; `d` overlaps neither.
#[no_mangle]
pub unsafe extern "C" fn movement_gather(
    elem: usize,
    idx_bytes: usize,
    s: *const u8,
    idx: *const u8,
    n_idx: usize,
    d: *mut u8,
    outer: usize,
    axis_dim: usize,
    inner: usize,
) -> i32 {
    by_width!(elem, T => by_index!(idx_bytes, I => {
        if !aligned::<T>(&[s, d]) || !aligned::<I>(&[idx]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths as documented.
        let (a, i, b) = unsafe {
            (
                src(s as *const T, outer * axis_dim * inner),
                src(idx as *const I, n_idx),
                dst(d as *mut T, outer * n_idx * inner),
            )
        };
        status(index::gather(a, i, b, outer, axis_dim, inner))
    }))
}

/// GatherElements. `shapes` holds `rank` index dims, then `rank` data dims.
///
/// # Safety
/// Buffers hold the elements their shapes count; `d` (the indices' shape) overlaps neither.
#[no_mangle]
pub unsafe extern "C" fn movement_gather_elements(
    elem: usize,
    idx_bytes: usize,
    s: *const u8,
    idx: *const u8,
    d: *mut u8,
    rank: usize,
    shapes: *const i32,
    axis: usize,
) -> i32 {
    let (mut id, mut dd) = ([0; MAX_RANK], [0; MAX_RANK]);
    // SAFETY: `shapes` holds 2 * rank i32s.
    let dims = unsafe { read_two(shapes, rank, &mut id, &mut dd) };
    let Ok((n, total)) = dims else {
        return BAD_ARGS;
    };
    by_width!(elem, T => by_index!(idx_bytes, I => {
        if !aligned::<T>(&[s, d]) || !aligned::<I>(&[idx]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths are the products of the shapes the caller passed.
        let (a, i, b) = unsafe { (src(s as *const T, total), src(idx as *const I, n), dst(d as *mut T, n)) };
        status(index::gather_elements(a, i, b, &id[..rank], &dd[..rank], axis))
    }))
}

/// GatherND: `batch` batches, `tuples` index tuples of `k` indices into the dims at
/// `dims` (each followed by `inner` elements).
///
/// # Safety
/// `s` holds `batch * prod(dims) * inner` elements, `idx` `tuples * k` indices and `d`
/// `tuples * inner` elements, not overlapping the others; `dims` holds `k` i32s.
#[no_mangle]
pub unsafe extern "C" fn movement_gather_nd(
    elem: usize,
    idx_bytes: usize,
    s: *const u8,
    idx: *const u8,
    d: *mut u8,
    batch: usize,
    tuples: usize,
    k: usize,
    dims: *const i32,
    inner: usize,
) -> i32 {
    let mut kd = [0; MAX_RANK];
    // SAFETY: `dims` holds k i32s.
    if unsafe { read_dims(dims, k, &mut kd) }.is_err() {
        return BAD_ARGS;
    }
    let Ok(space) = TupleSpace::new(&kd[..k], inner) else {
        return BAD_ARGS;
    };
    by_width!(elem, T => by_index!(idx_bytes, I => {
        if !aligned::<T>(&[s, d]) || !aligned::<I>(&[idx]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths as documented.
        let (a, i, b) = unsafe {
            (src(s as *const T, batch * space.span), src(idx as *const I, tuples * k), dst(d as *mut T, tuples * inner))
        };
        status(index::gather_nd(a, i, b, batch, tuples, &space, inner))
    }))
}

/// Gather through one index map per axis (-1: `fill`). `shapes` holds `rank` output dims,
/// then `rank` source dims; `maps` the axes' maps one after another.
///
/// # Safety
/// Buffers hold what their shapes count, `maps` the sum of the output dims, `fill` one
/// element; `d` overlaps none of them.
#[no_mangle]
pub unsafe extern "C" fn movement_gather_maps(
    elem: usize,
    s: *const u8,
    d: *mut u8,
    rank: usize,
    shapes: *const i32,
    maps: *const i32,
    fill: *const u8,
) -> i32 {
    let (mut od, mut sd) = ([0; MAX_RANK], [0; MAX_RANK]);
    // SAFETY: `shapes` holds 2 * rank i32s.
    let dims = unsafe { read_two(shapes, rank, &mut od, &mut sd) };
    let Ok((n, total)) = dims else {
        return BAD_ARGS;
    };
    let map_len = od[..rank].iter().sum();
    // Four-byte elements go as f32 bits, which have vector rows (see `MapRows`).
    bind!(elem, T => {
        if !aligned::<T>(&[s, d, fill]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths are the products and sums of the shapes the caller passed.
        let (a, b, m, f) = unsafe {
            (src(s as *const T, total), dst(d as *mut T, n), src(maps, map_len), *(fill as *const T))
        };
        status(index::gather_maps(a, b, &od[..rank], &sd[..rank], m, f))
    }; 1 => u8, 2 => u16, 4 => f32, 8 => u64)
}

/// Pad's map of one axis of `len` (`mode`: 0 constant, 1 reflect, 2 edge, 3 wrap).
///
/// # Safety
/// `map` has room for `len + begin + end` i32s.
#[no_mangle]
pub unsafe extern "C" fn movement_pad_map(
    mode: i32,
    len: usize,
    begin: i32,
    end: i32,
    map: *mut i32,
) -> i32 {
    let (Some(mode), Ok(out)) = (
        PadMode::from_code(mode),
        usize::try_from(len as i64 + begin as i64 + end as i64),
    ) else {
        return BAD_ARGS;
    };
    // SAFETY: room for `out` i32s, as documented.
    status(index::pad_map(
        mode,
        len,
        begin as i64,
        end as i64,
        unsafe { dst(map, out) },
    ))
}

/// ScatterElements on type `code` (`reduction`: 0 none, 1 add, 2 mul, 3 max, 4 min).
/// `shapes` holds `rank` index dims, then `rank` data dims.
///
/// # Safety
/// Buffers hold what their shapes count (`upd` as `idx`, `d` as `data`); `d` overlaps
/// none of the others.
#[no_mangle]
pub unsafe extern "C" fn movement_scatter_elements(
    code: i32,
    idx_bytes: usize,
    data: *const u8,
    idx: *const u8,
    upd: *const u8,
    d: *mut u8,
    rank: usize,
    shapes: *const i32,
    axis: usize,
    reduction: i32,
) -> i32 {
    let (mut id, mut dd) = ([0; MAX_RANK], [0; MAX_RANK]);
    // SAFETY: `shapes` holds 2 * rank i32s.
    let dims = unsafe { read_two(shapes, rank, &mut id, &mut dd) };
    let (Ok((n, total)), Some(red)) = (dims, Reduction::from_code(reduction)) else {
        return BAD_ARGS;
    };
    by_dtype!(code, T => by_index!(idx_bytes, I => {
        if !aligned::<T>(&[data, upd, d]) || !aligned::<I>(&[idx]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths are the products of the shapes the caller passed.
        let (x, i, u, y) = unsafe {
            (src(data as *const T, total), src(idx as *const I, n), src(upd as *const T, n), dst(d as *mut T, total))
        };
        status(scatter::scatter_elements(x, i, u, y, &id[..rank], &dd[..rank], axis, red))
    }))
}

/// ScatterND on type `code`: `tuples` tuples of `k` indices into the dims at `dims`, each
/// updating `inner` elements (`reduction` as for ScatterElements).
///
/// # Safety
/// `data` and `d` hold `prod(dims) * inner` elements, `idx` `tuples * k` indices, `upd`
/// `tuples * inner` elements; `dims` holds `k` i32s; `d` overlaps none of the others.
#[no_mangle]
pub unsafe extern "C" fn movement_scatter_nd(
    code: i32,
    idx_bytes: usize,
    data: *const u8,
    idx: *const u8,
    upd: *const u8,
    d: *mut u8,
    tuples: usize,
    k: usize,
    dims: *const i32,
    inner: usize,
    reduction: i32,
) -> i32 {
    let mut kd = [0; MAX_RANK];
    // SAFETY: `dims` holds k i32s.
    if unsafe { read_dims(dims, k, &mut kd) }.is_err() {
        return BAD_ARGS;
    }
    let (Ok(space), Some(red)) = (
        TupleSpace::new(&kd[..k], inner),
        Reduction::from_code(reduction),
    ) else {
        return BAD_ARGS;
    };
    by_dtype!(code, T => by_index!(idx_bytes, I => {
        if !aligned::<T>(&[data, upd, d]) || !aligned::<I>(&[idx]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths as documented.
        let (x, i, u, y) = unsafe {
            (
                src(data as *const T, space.span),
                src(idx as *const I, tuples * k),
                src(upd as *const T, tuples * inner),
                dst(d as *mut T, space.span),
            )
        };
        status(scatter::scatter_nd(x, i, u, y, tuples, &space, inner, red))
    }))
}
