//! Raw exports of Resize's maps, taps, passes and conversions.
use super::super::status::{BAD_ARGS, BAD_POINTER, BAD_TYPE};
use super::super::{dst, src};
use super::{aligned, status};
use crate::half::F16;
use crate::movement::num::{self, Bool, Num};
use crate::movement::resize::{self, Axis, Coord, Filter, Nearest, Pass, TapRule};

fn axis_of(
    coord: i32,
    in_len: usize,
    out_len: usize,
    scale: f64,
    roi_start: f64,
    roi_end: f64,
) -> Option<Axis> {
    Some(Axis {
        coord: Coord::from_code(coord)?,
        in_len,
        out_len,
        scale,
        roi: (roi_start, roi_end),
    })
}

/// Nearest Resize's map of one axis (`coord` and `nearest` numbered as the TS binding).
///
/// # Safety
/// `map` has room for `out_len` i32s.
#[no_mangle]
pub unsafe extern "C" fn resize_nearest_map(
    coord: i32,
    nearest: i32,
    in_len: usize,
    out_len: usize,
    scale: f64,
    roi_start: f64,
    roi_end: f64,
    map: *mut i32,
) -> i32 {
    let (Some(axis), Some(mode)) = (
        axis_of(coord, in_len, out_len, scale, roi_start, roi_end),
        Nearest::from_code(nearest),
    ) else {
        return BAD_TYPE;
    };
    // SAFETY: room for out_len i32s.
    status(resize::nearest_map(&axis, mode, unsafe {
        dst(map, out_len)
    }))
}

/// Linear (`cubic` 0) or cubic taps of one axis: `n` per output position (the count
/// `tap_count` gives, checked here).
///
/// # Safety
/// `idx` has room for `out_len * n` i32s and `w` for as many f64s.
#[no_mangle]
pub unsafe extern "C" fn resize_taps(
    coord: i32,
    cubic: i32,
    cubic_a: f64,
    antialias: i32,
    exclude_outside: i32,
    in_len: usize,
    out_len: usize,
    scale: f64,
    roi_start: f64,
    roi_end: f64,
    n: usize,
    idx: *mut i32,
    w: *mut f64,
) -> i32 {
    let Some(axis) = axis_of(coord, in_len, out_len, scale, roi_start, roi_end) else {
        return BAD_TYPE;
    };
    let filter = if cubic != 0 {
        Filter::Cubic(cubic_a)
    } else {
        Filter::Linear
    };
    let rule = TapRule {
        filter,
        antialias: antialias != 0,
        exclude_outside: exclude_outside != 0,
    };
    if !(scale > 0.0) || resize::tap_count(filter, rule.antialias, scale) != n {
        return BAD_ARGS;
    }
    // SAFETY: room for out_len * n of each, as documented.
    let (i, wt) = unsafe { (dst(idx, out_len * n), dst(w, out_len * n)) };
    status(resize::taps(&axis, rule, i, wt))
}

/// One separable Resize pass in type `real` (1: f32, 11: f64): `s` is
/// `[outer, in_len, inner]`, `d` `[outer, out_len, inner]`, with `n` taps per output
/// position at `idx` and `w`.
///
/// # Safety
/// Buffers hold what those shapes count; `d` overlaps none of the others.
#[no_mangle]
pub unsafe extern "C" fn resize_apply(
    real: i32,
    s: *const u8,
    d: *mut u8,
    outer: usize,
    in_len: usize,
    inner: usize,
    out_len: usize,
    n: usize,
    idx: *const i32,
    w: *const f64,
    extrapolation: f64,
) -> i32 {
    let pass = Pass {
        outer,
        in_len,
        inner,
        n,
    };
    by_real!(real, W => {
        if !aligned::<W>(&[s, d]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths as documented.
        let (a, b, i, wt) = unsafe {
            (
                src(s as *const W, outer * in_len * inner),
                dst(d as *mut W, outer * out_len * inner),
                src(idx, out_len * n),
                src(w, out_len * n),
            )
        };
        status(resize::apply(a, b, &pass, i, wt, W::from_f64(extrapolation)))
    })
}

/// Converts `n` elements of type `code` to Resize's type `real` (1: f32, 11: f64).
///
/// # Safety
/// `s` and `d` hold `n` elements of their types and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn resize_load(
    code: i32,
    real: i32,
    s: *const u8,
    d: *mut u8,
    n: usize,
) -> i32 {
    by_dtype!(code, T => by_real!(real, W => {
        if !aligned::<T>(&[s]) || !aligned::<W>(&[d]) {
            return BAD_POINTER;
        }
        // SAFETY: as documented.
        status(num::convert(unsafe { src(s as *const T, n) }, unsafe { dst(d as *mut W, n) }))
    }))
}

/// Converts `n` elements of Resize's type `real` to type `code` (rounding and saturating
/// integers).
///
/// # Safety
/// `s` and `d` hold `n` elements of their types and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn resize_store(
    real: i32,
    code: i32,
    s: *const u8,
    d: *mut u8,
    n: usize,
) -> i32 {
    by_real!(real, W => by_dtype!(code, T => {
        if !aligned::<W>(&[s]) || !aligned::<T>(&[d]) {
            return BAD_POINTER;
        }
        // SAFETY: as documented.
        status(num::convert(unsafe { src(s as *const W, n) }, unsafe { dst(d as *mut T, n) }))
    }))
}
