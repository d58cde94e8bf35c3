//! Every raw `extern "C"` export. Each one checks lengths, builds slices and calls a safe
//! function; a non-zero return is a status code the TS loader turns into a typed error.
//! Families keep their exports in their own section, in the order of `lib.rs`.
use core::slice;

/// Status returned when a kernel accepted its arguments.
pub const OK: i32 = 0;

/// Builds a shared slice from a pointer and a length handed in by the TS loader.
///
/// # Safety
/// `ptr` must point at `len` initialized elements of the caller's arena that stay valid,
/// and are not written through another slice, for the duration of the call.
#[inline(always)]
pub(crate) unsafe fn src<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        return &[];
    }
    // SAFETY: guaranteed by the caller as documented above.
    unsafe { slice::from_raw_parts(ptr, len) }
}

/// Builds an exclusive slice from a pointer and a length handed in by the TS loader.
///
/// # Safety
/// As for [`src`], and no other slice may alias the range during the call.
#[inline(always)]
pub(crate) unsafe fn dst<'a, T>(ptr: *mut T, len: usize) -> &'a mut [T] {
    if len == 0 {
        return &mut [];
    }
    // SAFETY: guaranteed by the caller as documented above.
    unsafe { slice::from_raw_parts_mut(ptr, len) }
}

// ---- elementwise ----

/// # Safety
/// `x` and `y` hold `n` f32 each; `y` may equal `x` (in place).
#[no_mangle]
pub unsafe extern "C" fn relu_f32(x: *const f32, y: *mut f32, n: usize) -> i32 {
    // SAFETY: lengths come from the caller's tensor sizes; in-place use goes through `y` only.
    unsafe {
        if x == y as *const f32 {
            crate::elementwise::relu_inplace(dst(y, n));
        } else {
            crate::elementwise::relu(src(x, n), dst(y, n));
        }
    }
    OK
}

/// # Safety
/// `a`, `b` and `y` hold `n` f32 each.
#[no_mangle]
pub unsafe extern "C" fn add_f32(a: *const f32, b: *const f32, y: *mut f32, n: usize) -> i32 {
    // SAFETY: lengths come from the caller's tensor sizes; outputs never alias inputs.
    unsafe { crate::elementwise::add(src(a, n), src(b, n), dst(y, n)) };
    OK
}

// ---- gemm ----

/// # Safety
/// `a` is m×k, `b` is k×n, `c` is m×n, row-major f32, `c` not aliasing `a` or `b`.
#[no_mangle]
pub unsafe extern "C" fn matmul_f32(
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    m: usize,
    k: usize,
    n: usize,
) -> i32 {
    // SAFETY: lengths come from the caller's tensor shapes.
    unsafe { crate::gemm::matmul(src(a, m * k), src(b, k * n), dst(c, m * n), m, k, n) };
    OK
}
