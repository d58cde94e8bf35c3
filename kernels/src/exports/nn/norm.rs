//! Raw exports of the normalization kernels.
use super::BAD_ARGS;
use crate::exports::{dst, src, OK};
use crate::norm::{self, Norm};

/// y = (x - mean) · scale / sqrt(var + epsilon) + bias per `plane`-sized plane; plane i
/// uses `mean`/`var[i % mean_len]` and `scale`/`bias[i % scale_len]`.
///
/// # Safety
/// `x` and `y` hold `n` f32; `scale` and `bias` `scale_len`; `mean` and `var` `mean_len`;
/// `y` is writable and aliases nothing else.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer, length and scalar.
pub unsafe extern "C" fn normalize_f32(
    x: *const f32,
    y: *mut f32,
    n: usize,
    plane: usize,
    scale: *const f32,
    bias: *const f32,
    scale_len: usize,
    mean: *const f32,
    var: *const f32,
    mean_len: usize,
    epsilon: f32,
) -> i32 {
    if plane == 0 || scale_len == 0 || mean_len == 0 || n % plane != 0 {
        return BAD_ARGS;
    }
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (x, y, scale, bias, mean, var) = unsafe {
        (
            src(x, n),
            dst(y, n),
            src(scale, scale_len),
            src(bias, scale_len),
            src(mean, mean_len),
            src(var, mean_len),
        )
    };
    norm::normalize(
        x,
        y,
        plane,
        &Norm {
            scale,
            bias,
            mean,
            var,
            epsilon,
        },
    );
    OK
}

/// Mean and population variance per channel (`channels` of them, cycling over the
/// `plane`-sized planes of `x`).
///
/// # Safety
/// `x` holds `n` f32; `mean` and `var` hold `channels` writable f32 aliasing nothing.
#[no_mangle]
pub unsafe extern "C" fn norm_stats_f32(
    x: *const f32,
    n: usize,
    plane: usize,
    mean: *mut f32,
    var: *mut f32,
    channels: usize,
) -> i32 {
    let group = plane.checked_mul(channels).filter(|&g| g > 0);
    if n == 0 || group.is_none_or(|g| n % g != 0) {
        return BAD_ARGS;
    }
    // SAFETY: pointers and lengths come from the caller's tensors and scratch.
    let (x, mean, var) = unsafe { (src(x, n), dst(mean, channels), dst(var, channels)) };
    norm::plane_stats(x, plane, mean, var);
    OK
}

/// out = running · momentum + current · (1 - momentum), `n` elements.
///
/// # Safety
/// `running`, `current` and `out` hold `n` f32; `out` aliases neither input.
#[no_mangle]
pub unsafe extern "C" fn norm_blend_f32(
    running: *const f32,
    current: *const f32,
    out: *mut f32,
    n: usize,
    momentum: f32,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (running, current, out) = unsafe { (src(running, n), src(current, n), dst(out, n)) };
    norm::blend(running, current, out, momentum);
    OK
}

/// Lp normalization along an axis of `len` elements at stride `inner` (x viewed as
/// [outer, len, inner]); `p` is 1 or 2.
///
/// # Safety
/// `x` and `y` hold `n` f32; `y` is writable and aliases nothing else.
#[no_mangle]
pub unsafe extern "C" fn lpnorm_f32(
    x: *const f32,
    y: *mut f32,
    n: usize,
    len: usize,
    inner: usize,
    p: i32,
) -> i32 {
    let row = len.checked_mul(inner).filter(|&r| r > 0);
    if row.is_none_or(|r| n % r != 0) || !(p == 1 || p == 2) {
        return BAD_ARGS;
    }
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (x, y) = unsafe { (src(x, n), dst(y, n)) };
    norm::lp_normalize(x, y, len, inner, p as u32);
    OK
}
