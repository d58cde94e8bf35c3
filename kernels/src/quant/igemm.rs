//! Integer GEMM on zero-point-corrected 8-bit operands. Corrected values fit i16, so A rows
//! are packed as i16 pairs along k (one i32 each), and B as panels of 16 columns holding,
//! for each pair of k, the 16 columns' two values side by side: one `i32x4_dot_i16x8` then
//! does eight multiply-adds, and a panel is read front to back. Sums wrap in 32 bits, as
//! ONNX allows.
use super::elem::{zero_point, QInt};
use core::arch::wasm32::*;

/// Columns of a B panel.
const PANEL: usize = 16;
/// i16 values of one k-pair row of a panel.
const PANEL_ROW: usize = 2 * PANEL;

/// Scratch the packed operands of a product live in.
pub struct Packed<'a> {
    /// A: rows of i16 pairs.
    pub a: &'a mut [i32],
    /// B: column panels (see [`b_len`]).
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

/// i16 values of a packed B of depth `k` and `n` columns (padded to whole panels).
pub fn b_len(k: usize, n: usize) -> usize {
    n.div_ceil(PANEL) * pairs(k) * PANEL_ROW
}

/// Where packed B holds row `k`, column `j` of a B with `kp` pairs.
#[inline(always)]
pub fn b_index(kp: usize, k: usize, j: usize) -> usize {
    ((j / PANEL) * kp + k / 2) * PANEL_ROW + (j % PANEL) * 2 + k % 2
}

fn pair(lo: i32, hi: i32) -> i32 {
    ((lo as u32 & 0xffff) | ((hi as u32) << 16)) as i32
}

/// Packs `rows` rows of `k` values (row stride `k`) minus their zero point
/// (`zp[r · zp_step]`) into `dst[r · pairs(k) + p]`.
pub fn pack_a<T: QInt>(
    src: &[T],
    rows: usize,
    k: usize,
    zp: &[T],
    zp_step: usize,
    dst: &mut [i32],
) {
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

/// Packs B (`k` × `n`, row-major) minus its per-column zero point (`zp[j · zp_step]`);
/// padding is zero.
pub fn pack_b<T: QInt>(src: &[T], k: usize, n: usize, zp: &[T], zp_step: usize, dst: &mut [i16]) {
    let kp = pairs(k);
    dst[..b_len(k, n)].fill(0);
    for kr in 0..k {
        for (j, v) in src[kr * n..(kr + 1) * n].iter().enumerate() {
            dst[b_index(kp, kr, j)] = (v.to_i32() - zero_point(zp, j * zp_step)) as i16;
        }
    }
}

#[inline(always)]
fn load8(s: &[i16], i: usize) -> v128 {
    let lanes = &s[i..i + 8];
    // SAFETY: `lanes` is 8 in-bounds i16s; v128_load allows unaligned addresses.
    unsafe { v128_load(lanes.as_ptr() as *const v128) }
}

/// c (`m` × `n`) = A · B for operands packed by [`pack_a`] and [`pack_b`] with `kp` pairs.
/// Each B panel stays in cache while every row of A passes over it, two rows at a time.
pub fn igemm(m: usize, n: usize, kp: usize, a: &[i32], b: &[i16], c: &mut [i32]) {
    for (q, panel) in b
        .chunks_exact(kp * PANEL_ROW)
        .take(n.div_ceil(PANEL))
        .enumerate()
    {
        let (j, cols) = (q * PANEL, PANEL.min(n - q * PANEL));
        let mut r = 0;
        while r + 2 <= m {
            let sums = tile::<2>(kp, &a[r * kp..(r + 2) * kp], panel);
            for (i, s) in sums.iter().enumerate() {
                c[(r + i) * n + j..][..cols].copy_from_slice(&s[..cols]);
            }
            r += 2;
        }
        if r < m {
            let [s] = tile::<1>(kp, &a[r * kp..(r + 1) * kp], panel);
            c[r * n + j..][..cols].copy_from_slice(&s[..cols]);
        }
    }
}

/// R rows of A times one panel: their sums for the panel's 16 columns.
#[inline(always)]
fn tile<const R: usize>(kp: usize, a: &[i32], panel: &[i16]) -> [[i32; PANEL]; R] {
    let mut acc = [[i32x4_splat(0); 4]; R];
    for (p, row) in panel.chunks_exact(PANEL_ROW).enumerate() {
        let bv: [v128; 4] = core::array::from_fn(|q| load8(row, 8 * q));
        for (i, sums) in acc.iter_mut().enumerate() {
            let av = i32x4_splat(a[i * kp + p]);
            for (s, &bq) in sums.iter_mut().zip(&bv) {
                *s = i32x4_add(*s, i32x4_dot_i16x8(av, bq));
            }
        }
    }
    acc.map(|sums| {
        let mut out = [0i32; PANEL];
        for (q, s) in sums.into_iter().enumerate() {
            // SAFETY: `out[4q..4q + 4]` is 4 in-bounds i32s; v128_store allows unaligned
            // addresses.
            unsafe { v128_store(out[4 * q..4 * q + 4].as_mut_ptr() as *mut v128, s) };
        }
        out
    })
}
