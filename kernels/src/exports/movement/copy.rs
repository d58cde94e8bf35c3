//! Raw exports of the strided copy, fills, Trilu and Range.
use super::super::status::{BAD_ARGS, BAD_POINTER, OK};
use super::super::{dst, src};
use super::{aligned, status};
use crate::half::F16;
use crate::movement::copy::{self, Walk};
use crate::movement::num::{Bool, Num};
use crate::movement::MAX_RANK;

/// Strided copy. `walk` holds `rank` dims, then `rank` source strides, then `rank`
/// destination strides (elements, possibly negative); offsets are in elements.
///
/// # Safety
/// `s` holds `s_len` elements and `d` `d_len` of `elem` bytes; `walk` holds `3 * rank`
/// i32s; `d` does not overlap `s`.
#[no_mangle]
pub unsafe extern "C" fn movement_copy(
    elem: usize,
    s: *const u8,
    s_len: usize,
    s_off: usize,
    d: *mut u8,
    d_len: usize,
    d_off: usize,
    rank: usize,
    walk: *const i32,
) -> i32 {
    if rank > MAX_RANK {
        return BAD_ARGS;
    }
    // SAFETY: the caller passes 3 * rank i32s at `walk`.
    let w = unsafe { src(walk, 3 * rank) };
    let walk = Walk {
        dims: &w[..rank],
        src_strides: &w[rank..2 * rank],
        dst_strides: &w[2 * rank..],
    };
    by_width!(elem, T => {
        if !aligned::<T>(&[s, d]) {
            return BAD_POINTER;
        }
        // SAFETY: lengths are the tensors' sizes; the caller keeps the buffers apart.
        let (a, b) = unsafe { (src(s as *const T, s_len), dst(d as *mut T, d_len)) };
        status(copy::copy(a, s_off, b, d_off, &walk))
    })
}

/// Sets `n` elements at `d` to the element at `value`.
///
/// # Safety
/// `d` holds `n` elements of `elem` bytes and `value` one, outside `d`.
#[no_mangle]
pub unsafe extern "C" fn movement_fill(elem: usize, d: *mut u8, n: usize, value: *const u8) -> i32 {
    by_width!(elem, T => {
        if !aligned::<T>(&[d, value]) {
            return BAD_POINTER;
        }
        // SAFETY: as documented; `value` lies outside `d`.
        unsafe { copy::fill(dst(d as *mut T, n), *(value as *const T)) };
        OK
    })
}

/// Writes `value` converted to type `code` (rounded and saturated for integers) at `d`.
///
/// # Safety
/// `d` has room for one element of type `code`.
#[no_mangle]
pub unsafe extern "C" fn movement_cast_scalar(code: i32, value: f64, d: *mut u8) -> i32 {
    by_dtype!(code, T => {
        if !aligned::<T>(&[d]) {
            return BAD_POINTER;
        }
        // SAFETY: one element of room, as documented.
        unsafe { dst(d as *mut T, 1)[0] = T::from_f64(value) };
        OK
    })
}

/// Trilu over `n` elements seen as `[n / (rows * cols), rows, cols]`.
///
/// # Safety
/// `s` and `d` hold `n` elements of `elem` bytes each and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn movement_trilu(
    elem: usize,
    s: *const u8,
    d: *mut u8,
    n: usize,
    rows: usize,
    cols: usize,
    k: i32,
    upper: i32,
) -> i32 {
    if rows * cols == 0 || n % (rows * cols) != 0 {
        return if n == 0 { OK } else { BAD_ARGS };
    }
    by_width!(elem, T => {
        if !aligned::<T>(&[s, d]) {
            return BAD_POINTER;
        }
        // SAFETY: both hold `n` elements and do not overlap.
        let (a, b) = unsafe { (src(s as *const T, n), dst(d as *mut T, n)) };
        copy::trilu(a, b, rows, cols, k as i64, upper != 0);
        OK
    })
}

/// Range of type `code`: `d[i] = start + i * delta` for `n` elements.
///
/// # Safety
/// `start` and `delta` point at one element each, `d` at room for `n`, apart from both.
#[no_mangle]
pub unsafe extern "C" fn movement_range(
    code: i32,
    start: *const u8,
    delta: *const u8,
    d: *mut u8,
    n: usize,
) -> i32 {
    by_dtype!(code, T => {
        if !aligned::<T>(&[start, delta, d]) {
            return BAD_POINTER;
        }
        // SAFETY: as documented.
        let (s, step, y) = unsafe { (*(start as *const T), *(delta as *const T), dst(d as *mut T, n)) };
        for (i, v) in y.iter_mut().enumerate() {
            *v = T::range_at(s, step, i);
        }
        OK
    })
}
