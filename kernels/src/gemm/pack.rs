//! Packing operands into the panel layouts the micro-kernel streams: A as MR-row panels
//! (MR values per k), B as NR-column panels (NR values per k), zero-padded at the edges.
use super::{MR, NR};
use crate::simd::{copy, load, store};
use core::arch::wasm32::*;

/// A strided matrix view: element (r, c) is `data[r * rs + c * cs]`. Transposes are just
/// swapped strides.
#[derive(Clone, Copy)]
pub struct Mat<'a, T = f32> {
    pub data: &'a [T],
    pub rs: usize,
    pub cs: usize,
}

impl<T> Mat<'_, T> {
    /// Whether every element of a rows×cols view is in bounds.
    pub fn covers(&self, rows: usize, cols: usize) -> bool {
        let last = (rows.saturating_sub(1))
            .checked_mul(self.rs)
            .zip((cols.saturating_sub(1)).checked_mul(self.cs))
            .and_then(|(r, c)| r.checked_add(c));
        rows == 0 || cols == 0 || last.is_some_and(|l| l < self.data.len())
    }
}

/// A panel of B the micro-kernel reads where it lies, without packing: row p of the
/// panel is the NR values at `data[offsets[p]..]`.
pub struct InPlace<'a> {
    data: &'a [f32],
    offsets: &'a [u32],
}

impl<'a> InPlace<'a> {
    /// The panel, or None when a row would run past `data`.
    pub fn new(data: &'a [f32], offsets: &'a [u32]) -> Option<Self> {
        let last = offsets.iter().fold(0, |m, &o| m.max(o)) as usize;
        let fits = offsets.is_empty() || last.checked_add(NR).is_some_and(|end| end <= data.len());
        fits.then_some(InPlace { data, offsets })
    }

    /// Copies the first `kc` rows into `out`, one after another (a packed panel).
    pub fn pack(&self, kc: usize, out: &mut [f32]) {
        for (dst, row) in out[..kc * NR].chunks_exact_mut(NR).zip(self.rows(kc)) {
            for q in (0..NR).step_by(4) {
                store(dst, q, load(row, q));
            }
        }
    }

    /// The first `kc` rows, NR values each.
    #[inline(always)]
    pub fn rows(&self, kc: usize) -> impl Iterator<Item = &[f32]> {
        self.offsets[..kc].iter().map(move |&o| {
            let o = o as usize;
            // SAFETY: `new` checked that every row's NR values lie inside `data`; the
            // micro-kernel's loop would otherwise check each row twice.
            unsafe { self.data.get_unchecked(o..o + NR) }
        })
    }
}

/// A source of the GEMM's right operand (k×n), packed one cache block at a time. Besides
/// plain matrices this lets convolution pack image patches directly (implicit im2col).
pub trait PackB {
    /// Packs rows `p0..p0+kc` and columns `j0..j0+nc` into NR-column panels of `kc·NR`
    /// floats each, zero-filling columns past `nc` in the last panel.
    fn pack(&self, p0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]);

    /// Whether [`PackB::in_place`] can give panels, so narrow products should walk B a
    /// panel at a time rather than pack it in blocks.
    fn reads_in_place(&self) -> bool {
        false
    }

    /// Rows `p0..p0+kc` of the full panel of columns `j..j+NR`, when they can be read in
    /// place.
    fn in_place(&self, _p0: usize, _kc: usize, _j: usize) -> Option<InPlace<'_>> {
        None
    }

    /// Rows `p0..p0+kc` of the panel of columns `j..j+NR`, when the operand already holds
    /// them packed (NR values per row, contiguous).
    fn packed_panel(&self, _p0: usize, _kc: usize, _j: usize) -> Option<&[f32]> {
        None
    }

    /// The operand as a strided matrix, when it is one (single-row products read it
    /// directly).
    fn as_mat(&self) -> Option<&Mat<'_>> {
        None
    }
}

impl PackB for Mat<'_> {
    fn as_mat(&self) -> Option<&Mat<'_>> {
        Some(self)
    }

    fn pack(&self, p0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        if kc == 0 {
            return;
        }
        let full = if self.cs == 1 { nc / NR } else { 0 };
        // Row by row: each source row is read contiguously once (reading a panel's
        // column strip instead touches a page per row).
        for p in 0..kc {
            let row = &self.data[(p0 + p) * self.rs + j0..];
            for t in 0..full {
                let at = t * kc * NR + p * NR;
                copy(&mut out[at..at + NR], &row[t * NR..]);
            }
        }
        for t in full..nc.div_ceil(NR) {
            let j = j0 + t * NR;
            let width = NR.min(j0 + nc - j);
            let panel = &mut out[t * kc * NR..(t + 1) * kc * NR];
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let base = (p0 + p) * self.rs + j * self.cs;
                for (jj, d) in dst.iter_mut().enumerate() {
                    *d = if jj < width {
                        self.data[base + jj * self.cs]
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

/// A k×n right operand already laid out as the micro-kernel reads it: NR-column panels of
/// `k` rows each (panel q at `q · k · NR`), columns past n in the last panel unused.
pub struct Panels<'a> {
    pub data: &'a [f32],
    pub k: usize,
}

impl PackB for Panels<'_> {
    fn reads_in_place(&self) -> bool {
        true
    }

    fn packed_panel(&self, p0: usize, kc: usize, j: usize) -> Option<&[f32]> {
        let at = (j / NR * self.k + p0) * NR;
        Some(&self.data[at..at + kc * NR])
    }

    fn pack(&self, p0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        for (t, panel) in out
            .chunks_exact_mut(kc * NR)
            .take(nc.div_ceil(NR))
            .enumerate()
        {
            let width = NR.min(nc - t * NR);
            let src = &self.data[((j0 / NR + t) * self.k + p0) * NR..];
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                copy(&mut dst[..width], &src[p * NR..]);
                dst[width..].fill(0.0);
            }
        }
    }
}

/// Packs rows `i0..i0+mc` and columns `p0..p0+kc` of `a` into MR-row panels.
pub fn pack_a(a: &Mat, i0: usize, mc: usize, p0: usize, kc: usize, out: &mut [f32]) {
    if kc == 0 {
        return;
    }
    for (t, panel) in out
        .chunks_exact_mut(kc * MR)
        .take(mc.div_ceil(MR))
        .enumerate()
    {
        let i = i0 + t * MR;
        let height = MR.min(i0 + mc - i);
        if height == MR && a.cs == 1 {
            pack_rows4(a, i, p0, panel);
            continue;
        }
        for ii in 0..MR {
            if ii >= height {
                panel.iter_mut().skip(ii).step_by(MR).for_each(|d| *d = 0.0);
                continue;
            }
            let row = (i + ii) * a.rs + p0 * a.cs;
            for (p, d) in panel.iter_mut().skip(ii).step_by(MR).enumerate() {
                *d = a.data[row + p * a.cs];
            }
        }
    }
}

/// One full panel of MR = 4 contiguous rows of `a` (from row i, column p0): four columns at
/// a time by a 4×4 transpose, eight vector loads and stores per 16 values where one at a
/// time would take 32 bounds-checked accesses.
fn pack_rows4(a: &Mat, i: usize, p0: usize, panel: &mut [f32]) {
    const _: () = assert!(MR == 4);
    let kc = panel.len() / MR;
    let rows: [&[f32]; MR] = core::array::from_fn(|r| &a.data[(i + r) * a.rs + p0..][..kc]);
    let body = kc - kc % 4;
    for p in (0..body).step_by(4) {
        let [r0, r1, r2, r3] = rows.map(|r| load(r, p));
        let lo01 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
        let hi01 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
        let lo23 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
        let hi23 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
        let out = &mut panel[p * MR..p * MR + 16];
        store(out, 0, i32x4_shuffle::<0, 1, 4, 5>(lo01, lo23));
        store(out, 4, i32x4_shuffle::<2, 3, 6, 7>(lo01, lo23));
        store(out, 8, i32x4_shuffle::<0, 1, 4, 5>(hi01, hi23));
        store(out, 12, i32x4_shuffle::<2, 3, 6, 7>(hi01, hi23));
    }
    for p in body..kc {
        for (r, row) in rows.iter().enumerate() {
            panel[p * MR + r] = row[p];
        }
    }
}
