//! Raw exports of the nn kernels: GEMM, convolution, pooling and normalization, one file
//! per group. Status codes are below.
use super::{dst, OK};

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
