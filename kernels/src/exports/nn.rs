//! Raw exports of the nn kernels: GEMM, convolution, pooling, normalization, and the
//! float16/float64 staging conversions their bindings use. Status codes are below.
use super::{dst, src, OK};
use crate::gemm::stage;

mod conv;
mod gemm;
mod norm;
mod pool;

/// A length, stride or count that does not match the buffers it describes.
const BAD_ARGS: i32 = 1;
/// An activation code the epilogue does not know.
const BAD_ACTIVATION: i32 = 2;
/// Less scratch than the kernel needs.
const SHORT_SCRATCH: i32 = 3;

/// Reads the first N entries of an i32 array as sizes; None when any is negative.
fn sizes<const N: usize>(v: &[i32]) -> Option<[usize; N]> {
    let mut out = [0; N];
    for (o, &x) in out.iter_mut().zip(v.get(..N)?) {
        *o = usize::try_from(x).ok()?;
    }
    Some(out)
}

/// The product of sizes, None on overflow.
fn product(v: &[usize]) -> Option<usize> {
    v.iter().try_fold(1usize, |acc, &x| acc.checked_mul(x))
}

/// Writes a scratch length (in f32) into the caller's one-i32 result slot.
///
/// # Safety
/// `out` points at one writable i32.
unsafe fn write_len(out: *mut i32, len: usize) -> i32 {
    let Ok(len) = i32::try_from(len) else {
        return BAD_ARGS;
    };
    // SAFETY: guaranteed by the caller.
    unsafe { dst(out, 1)[0] = len };
    OK
}

macro_rules! stage_export {
    ($name:ident, $from:ty, $to:ty, $f:path) => {
        /// Converts `n` elements for the f32 kernels (float16 and float64 tensors).
        ///
        /// # Safety
        /// `x` and `y` hold `n` elements each and do not overlap.
        #[no_mangle]
        pub unsafe extern "C" fn $name(x: *const $from, y: *mut $to, n: usize) -> i32 {
            // SAFETY: lengths come from the caller's tensor sizes; `y` is scratch or output.
            unsafe { $f(src(x, n), dst(y, n)) };
            OK
        }
    };
}

stage_export!(nn_f16_to_f32, u16, f32, stage::widen_f16);
stage_export!(nn_f32_to_f16, f32, u16, stage::narrow_f16);
stage_export!(nn_f64_to_f32, f64, f32, stage::narrow_f64);
stage_export!(nn_f32_to_f64, f32, f64, stage::widen_f32);
