//! Raw exports of the elementwise kernels.
use super::{dst, src, OK};

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
