//! Every raw `extern "C"` export lives in this folder, one file per kernel family. Each
//! export checks lengths, builds slices and calls a safe function; a non-zero return is a
//! status code from [`status`] that the TS loader turns into a typed error.
use core::slice;

mod elementwise;
mod movement;
mod nn;
mod quant;
mod reduce;
mod rnn;
pub mod status;

pub use status::OK;

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
