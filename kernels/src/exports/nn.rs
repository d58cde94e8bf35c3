//! Raw exports of the nn (gemm, conv, pooling, normalization) kernels.
use super::{dst, src, OK};

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
