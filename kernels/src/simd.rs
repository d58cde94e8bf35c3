//! The vector primitives the kernels share, with and without relaxed-simd.
use core::arch::wasm32::*;

/// a * b + c, fused when the build has relaxed-simd.
#[inline(always)]
pub fn madd(a: v128, b: v128, c: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    {
        f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    {
        f32x4_add(f32x4_mul(a, b), c)
    }
}

/// Four lanes of `s` from `i`; panics (traps) when out of bounds.
#[inline(always)]
pub fn load(s: &[f32], i: usize) -> v128 {
    let lanes = &s[i..i + 4];
    // SAFETY: `lanes` is 4 in-bounds f32s; v128_load allows unaligned addresses.
    unsafe { v128_load(lanes.as_ptr() as *const v128) }
}

/// Stores four lanes into `s` at `i`; panics (traps) when out of bounds.
#[inline(always)]
pub fn store(s: &mut [f32], i: usize, v: v128) {
    let lanes = &mut s[i..i + 4];
    // SAFETY: `lanes` is 4 in-bounds f32s; v128_store allows unaligned addresses.
    unsafe { v128_store(lanes.as_mut_ptr() as *mut v128, v) }
}

/// dst = src[..dst.len()], four lanes at a time: the kernels' short copies would otherwise
/// each call a word-by-word `memcpy` (the builds have no bulk-memory copy).
#[inline(always)]
pub fn copy(dst: &mut [f32], src: &[f32]) {
    let src = &src[..dst.len()];
    let mut d = dst.chunks_exact_mut(4);
    let mut s = src.chunks_exact(4);
    for (d4, s4) in (&mut d).zip(&mut s) {
        store(d4, 0, load(s4, 0));
    }
    for (x, &v) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *x = v;
    }
}
