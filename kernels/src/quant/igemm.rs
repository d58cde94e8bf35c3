//! Integer GEMM on zero-point-corrected 8-bit operands. Corrected values fit i16, so A rows
//! are packed as i16 pairs along k (one i32 each) and B as k-pairs interleaved per column:
//! one `i32x4_dot_i16x8` then does eight multiply-adds. Sums wrap in 32 bits, as ONNX allows.
use super::elem::{zero_point, QInt};
use core::arch::wasm32::*;

/// Scratch the packed operands of a product live in.
pub struct Packed<'a> {
    /// A: rows of i16 pairs.
    pub a: &'a mut [i32],
    /// B: k-pairs interleaved per column.
    pub b: &'a mut [i16],
    /// Sums before requantization (QLinear ops only, else empty).
    pub acc: &'a mut [i32],
}

/// Elements each [`Packed`] buffer needs.
pub struct PackedSizes {
    pub a: usize,
    pub b: usize,
    pub acc: usize,
}

/// Pairs of k a packed operand holds for a depth of `k`.
pub fn pairs(k: usize) -> usize {
    k.div_ceil(2)
}

fn pair(lo: i32, hi: i32) -> i32 {
    ((lo as u32 & 0xffff) | ((hi as u32) << 16)) as i32
}

/// Packs `rows` rows of `k` values (row stride `k`) minus their zero point
/// (`zp[r · zp_step]`) into `dst[r · pairs(k) + p]`.
pub fn pack_a<T: QInt>(src: &[T], rows: usize, k: usize, zp: &[T], zp_step: usize, dst: &mut [i32]) {
    let kp = pairs(k);
    for r in 0..rows {
        let z = zero_point(zp, r * zp_step);
        let row = &src[r * k..(r + 1) * k];
        for (p, d) in dst[r * kp..(r + 1) * kp].iter_mut().enumerate() {
            let hi = row.get(2 * p + 1).map_or(0, |v| v.to_i32() - z);
            *d = pair(row[2 * p].to_i32() - z, hi);
        }
    }
}

/// Packs B (`k` × `n`, row-major) minus its per-column zero point (`zp[j · zp_step]`) into
/// `dst[(p · n + j) · 2 + k % 2]`.
pub fn pack_b<T: QInt>(src: &[T], k: usize, n: usize, zp: &[T], zp_step: usize, dst: &mut [i16]) {
    for kr in 0..k {
        let row = &src[kr * n..(kr + 1) * n];
        for (j, v) in row.iter().enumerate() {
            dst[((kr / 2) * n + j) * 2 + kr % 2] = (v.to_i32() - zero_point(zp, j * zp_step)) as i16;
        }
    }
    if k % 2 == 1 {
        for j in 0..n {
            dst[((k / 2) * n + j) * 2 + 1] = 0;
        }
    }
}

#[inline(always)]
fn load8(s: &[i16], i: usize) -> v128 {
    let lanes = &s[i..i + 8];
    // SAFETY: `lanes` is 8 in-bounds i16s; v128_load allows unaligned addresses.
    unsafe { v128_load(lanes.as_ptr() as *const v128) }
}

#[inline(always)]
fn store4(s: &mut [i32], i: usize, v: v128) {
    let lanes = &mut s[i..i + 4];
    // SAFETY: `lanes` is 4 in-bounds i32s; v128_store allows unaligned addresses.
    unsafe { v128_store(lanes.as_mut_ptr() as *mut v128, v) }
}

/// c (`m` × `n`) = A · B for operands packed by [`pack_a`] and [`pack_b`] with `kp` pairs.
pub fn igemm(m: usize, n: usize, kp: usize, a: &[i32], b: &[i16], c: &mut [i32]) {
    for r in 0..m {
        let arow = &a[r * kp..(r + 1) * kp];
        let crow = &mut c[r * n..(r + 1) * n];
        let mut j = 0;
        while j + 16 <= n {
            let mut acc = [i32x4_splat(0); 4];
            for (p, &av) in arow.iter().enumerate() {
                let (av, base) = (i32x4_splat(av), (p * n + j) * 2);
                for (q, s) in acc.iter_mut().enumerate() {
                    *s = i32x4_add(*s, i32x4_dot_i16x8(av, load8(b, base + 8 * q)));
                }
            }
            for (q, s) in acc.into_iter().enumerate() {
                store4(crow, j + 4 * q, s);
            }
            j += 16;
        }
        while j + 4 <= n {
            let mut acc = i32x4_splat(0);
            for (p, &av) in arow.iter().enumerate() {
                acc = i32x4_add(acc, i32x4_dot_i16x8(i32x4_splat(av), load8(b, (p * n + j) * 2)));
            }
            store4(crow, j, acc);
            j += 4;
        }
        for (jj, out) in crow.iter_mut().enumerate().skip(j) {
            *out = dot_scalar(arow, b, n, jj);
        }
    }
}

/// Column `j` of one row, without SIMD (the tail of [`igemm`]).
fn dot_scalar(arow: &[i32], b: &[i16], n: usize, j: usize) -> i32 {
    let mut sum = 0i32;
    for (p, &av) in arow.iter().enumerate() {
        let (lo, hi) = ((av << 16) >> 16, av >> 16);
        let base = (p * n + j) * 2;
        sum = sum
            .wrapping_add(lo.wrapping_mul(b[base] as i32))
            .wrapping_add(hi.wrapping_mul(b[base + 1] as i32));
    }
    sum
}
