//! The register-blocked MR×NR micro-kernel: MR·NR/4 vector accumulators fed by one packed
//! A panel and one B panel (packed, or read in place), fused multiply-adds only in the
//! inner loop.
use super::epilogue::Epilogue;
use super::{InPlace, Out, MR, NR};
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

type Acc = [[v128; NR / 4]; MR];

/// NR consecutive columns of B over a run of rows, as the micro-kernel streams them.
pub trait Panel {
    /// The first `kc` rows, NR values each.
    fn rows(&self, kc: usize) -> impl Iterator<Item = &[f32]>;
}

/// A panel packed contiguously: row p at `p * NR`.
pub struct Packed<'a>(pub &'a [f32]);

impl Panel for Packed<'_> {
    #[inline(always)]
    fn rows(&self, kc: usize) -> impl Iterator<Item = &[f32]> {
        self.0[..kc * NR].chunks_exact(NR)
    }
}

impl Panel for InPlace<'_> {
    #[inline(always)]
    fn rows(&self, kc: usize) -> impl Iterator<Item = &[f32]> {
        InPlace::rows(self, kc)
    }
}

/// Where a tile goes: its top-left element in C and how much of it is inside C.
pub struct Tile {
    pub i: usize,
    pub j: usize,
    pub rows: usize,
    pub cols: usize,
}

/// Which k block this is: the first overwrites C, the last applies the epilogue.
#[derive(Clone, Copy)]
pub struct Pass {
    pub first: bool,
    pub last: bool,
}

/// Packed A's MR values for one k are one vector load, splatted lane by lane with
/// shuffles: each wasm load carries a bounds check where the engine has no trap handler,
/// so one load instead of MR.
#[inline(always)]
fn accumulate(mut acc: Acc, pa: &[f32], pb: &impl Panel, kc: usize) -> Acc {
    const _: () = assert!(MR == 4);
    for (a, b) in pa[..kc * MR].chunks_exact(MR).zip(pb.rows(kc)) {
        let a4 = load(a, 0);
        rank1(&mut acc, core::array::from_fn(|i| splat_lane(a4, i)), b);
    }
    acc
}

/// Like [`accumulate`], reading A's MR rows where they lie (each `kc` values from p0). Four
/// k at a time, each row's four values are one vector load whose lanes are splatted by
/// shuffles, as packed A's are: one checked load per row per four k instead of four.
#[inline(always)]
fn accumulate_rows(mut acc: Acc, rows: [&[f32]; MR], pb: &impl Panel, kc: usize) -> Acc {
    let rows = rows.map(|r| &r[..kc]);
    let mut b = pb.rows(kc);
    let quads = kc / 4;
    for q in 0..quads {
        let a4: [v128; MR] = core::array::from_fn(|r| load(rows[r], 4 * q));
        for (i, row) in (0..4).zip(&mut b) {
            rank1(&mut acc, a4.map(|a| splat_lane(a, i)), row);
        }
    }
    for (p, row) in (4 * quads..kc).zip(b) {
        rank1(&mut acc, rows.map(|a| f32x4_splat(a[p])), row);
    }
    acc
}

/// One k of the tile: row r of the sums += `av[r]` · the NR values of `b`.
#[inline(always)]
fn rank1(acc: &mut Acc, av: [v128; MR], b: &[f32]) {
    let bv: [v128; NR / 4] = core::array::from_fn(|q| load(b, 4 * q));
    for (row, &ai) in acc.iter_mut().zip(&av) {
        for (r, &bq) in row.iter_mut().zip(&bv) {
            *r = madd(ai, bq, *r);
        }
    }
}

/// Lane `i` (0 to 3) of `v` in all four lanes.
#[inline(always)]
fn splat_lane(v: v128, i: usize) -> v128 {
    match i {
        0 => i32x4_shuffle::<0, 0, 0, 0>(v, v),
        1 => i32x4_shuffle::<1, 1, 1, 1>(v, v),
        2 => i32x4_shuffle::<2, 2, 2, 2>(v, v),
        _ => i32x4_shuffle::<3, 3, 3, 3>(v, v),
    }
}

/// C tile (+)= packed A panel `pa` · B panel `pb` over `kc`, then the epilogue when
/// `pass.last`.
#[inline(always)]
pub fn run(
    pa: &[f32],
    pb: &impl Panel,
    kc: usize,
    c: &mut Out,
    tile: &Tile,
    pass: Pass,
    epi: &Epilogue,
) {
    let acc = accumulate(start(tile, pass, epi), pa, pb, kc);
    finish(&acc, c, tile, pass, epi);
}

/// [`run`] with A's rows read in place (rows past the tile's repeat its last row).
#[inline(always)]
pub fn run_rows(
    rows: [&[f32]; MR],
    pb: &impl Panel,
    kc: usize,
    c: &mut Out,
    tile: &Tile,
    pass: Pass,
    epi: &Epilogue,
) {
    let acc = accumulate_rows(start(tile, pass, epi), rows, pb, kc);
    finish(&acc, c, tile, pass, epi);
}

/// The accumulators' start: zero, or on the first pass, a bias that is one value per row
/// (one load per row where the epilogue would take one per vector).
#[inline(always)]
fn start(tile: &Tile, pass: Pass, epi: &Epilogue) -> Acc {
    match epi.row_bias() {
        Some(bias) if pass.first => core::array::from_fn(|ii| {
            let b = if ii < tile.rows {
                bias[tile.i + ii]
            } else {
                0.0
            };
            [f32x4_splat(b); NR / 4]
        }),
        _ => [[f32x4_splat(0.0); NR / 4]; MR],
    }
}

#[inline(always)]
fn finish(acc: &Acc, c: &mut Out, tile: &Tile, pass: Pass, epi: &Epilogue) {
    if tile.rows == MR && tile.cols == NR {
        // A row bias is already in the sums (see `start`).
        store_full(acc, c, tile, pass, &epi.without_row_bias());
    } else {
        // The sums go through a local buffer here, so that the full tiles' path keeps them
        // in registers: a reference to `acc` itself would make every tile store them.
        let mut buf = [0.0f32; MR * NR];
        for (ii, row) in acc.iter().enumerate() {
            for (q, &v) in row.iter().enumerate() {
                store(&mut buf, ii * NR + 4 * q, v);
            }
        }
        store_partial(&buf, c, tile, pass, epi);
    }
}

#[inline(always)]
fn store_full(acc: &Acc, c: &mut Out, tile: &Tile, pass: Pass, epi: &Epilogue) {
    for (ii, row) in acc.iter().enumerate() {
        let at = (tile.i + ii) * c.ldc + tile.j;
        let out = &mut c.data[at..at + NR];
        for (q, &v) in row.iter().enumerate() {
            let mut v = v;
            if !pass.first {
                v = f32x4_add(v, load(out, 4 * q));
            }
            if pass.last {
                v = epi.apply4(v, tile.i + ii, tile.j + 4 * q);
            }
            store(out, 4 * q, v);
        }
    }
}

/// The tile's sums `buf` (row-major, NR per row) into the part of it inside C.
fn store_partial(buf: &[f32; MR * NR], c: &mut Out, tile: &Tile, pass: Pass, epi: &Epilogue) {
    // A row bias is already in the sums (see `start`).
    let epi = epi.without_row_bias();
    for ii in 0..tile.rows {
        let at = (tile.i + ii) * c.ldc + tile.j;
        for (jj, out) in c.data[at..at + tile.cols].iter_mut().enumerate() {
            let mut x = buf[ii * NR + jj];
            if !pass.first {
                x += *out;
            }
            if pass.last {
                x = epi.apply(x, tile.i + ii, tile.j + jj);
            }
            *out = x;
        }
    }
}

/// Independent multiply-add chains [`peak_probe`] keeps in flight: more than the FMA
/// latency times the FMA ports, so the chains never wait on each other.
const PROBE_CHAINS: usize = 12;

/// Flops [`peak_probe`] does per round: 2 per lane of each chain's multiply-add.
pub const PROBE_FLOPS_PER_ROUND: usize = PROBE_CHAINS * 8;

/// Runs `rounds` rounds of [`PROBE_CHAINS`] independent vector multiply-adds and no memory
/// access: timed, its [`PROBE_FLOPS_PER_ROUND`] per round give this core's SIMD peak, the
/// ceiling the micro-kernel is measured against. Returns the chains' sum, so that the work
/// cannot be left out.
pub fn peak_probe(rounds: usize) -> f32 {
    let (a, b) = core::hint::black_box((f32x4_splat(0.999), f32x4_splat(1e-3)));
    let mut acc: [v128; PROBE_CHAINS] = core::array::from_fn(|i| f32x4_splat(i as f32));
    for _ in 0..rounds {
        for s in acc.iter_mut() {
            *s = madd(*s, a, b);
        }
    }
    let sum = acc.iter().fold(f32x4_splat(0.0), |s, &v| f32x4_add(s, v));
    f32x4_extract_lane::<0>(sum)
}
