//! Packed-panel f32 GEMM in the Goto/BLIS layout: B is packed a KC×NC block at a time,
//! A an MC×KC block at a time, both into caller-provided scratch, and an MR×NR
//! register-blocked micro-kernel with relaxed-SIMD FMA walks the packed panels. Narrow
//! products (few rows) read B in place instead. Bias and activation run in the
//! micro-kernel's epilogue.
mod epilogue;
mod gemv;
mod micro;
mod pack;
pub mod reference;

pub use epilogue::{Activation, Bias, Epilogue};
pub use gemv::{dot, dot4};
pub use pack::{InPlace, Mat, PackB, Panels};

pub use micro::{peak_probe, PROBE_FLOPS_PER_ROUND};
use micro::{Packed, Panel, Pass, Tile};

/// Rows of the micro-kernel tile: 4×8 keeps its 8 accumulators, 2 B vectors and the A
/// broadcast in registers under V8 (6×8 measured slower: it spills).
pub const MR: usize = 4;
/// Columns of the micro-kernel tile (a multiple of 4 lanes).
pub const NR: usize = 8;
/// Rows of A packed at once (a multiple of MR; MC×KC stays in L2).
const MC: usize = 64;
/// Depth of one packed block (KC×NR of B stays in L1).
pub const KC: usize = 256;
/// Columns of B packed at once (a multiple of NR).
const NC: usize = 1024;

// Block sizes are whole numbers of tiles: packing fills full panels.
const _: () = assert!(MC % MR == 0 && NC % NR == 0 && NR % 4 == 0);

/// Products with at most this many rows, over a B that can be read in place, pack all of
/// A once per k block and walk B one panel at a time: B is used by few row panels, so
/// packing it would cost as much as the multiplication.
const NARROW_M: usize = 128;

/// Products with at most this many columns, over an A whose rows are contiguous, read A in
/// place: with so few B panels, packing A would cost as much as the multiplication.
const FEW_COLS: usize = NR;

/// An m×k by k×n product.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub m: usize,
    pub k: usize,
    pub n: usize,
}

impl Shape {
    /// Floats of scratch [`gemm`] needs.
    pub fn scratch_len(&self) -> usize {
        let kc = self.k.clamp(1, KC);
        let mp = self.m.next_multiple_of(MR);
        let blocked = kc * (mp.min(MC) + self.n.next_multiple_of(NR).min(NC));
        let blocked = if self.m <= NARROW_M {
            blocked.max(kc * (mp + NR))
        } else {
            blocked
        };
        // Up to four columns of B gathered whole, a packed panel at a time.
        if self.n <= 4 {
            blocked.max(self.n * self.k + kc * NR)
        } else {
            blocked
        }
    }
}

/// The output: row-major with row stride `ldc`.
pub struct Out<'a> {
    pub data: &'a mut [f32],
    pub ldc: usize,
}

/// One k block: rows `pc..pc+kc` of B, and what the micro-kernel does with C there.
struct KBlock<'a> {
    pc: usize,
    kc: usize,
    pass: Pass,
    epi: &'a Epilogue<'a>,
}

/// C = epilogue(A · B) for A m×k and B k×n. `scratch` holds at least
/// [`Shape::scratch_len`] floats; the caller has checked every view covers its shape.
pub fn gemm(s: Shape, a: &Mat, b: &impl PackB, c: &mut Out, epi: &Epilogue, scratch: &mut [f32]) {
    if let (Some(bm), 1, 1) = (b.as_mat(), a.cs, s.m) {
        gemv::gemv(&a.data[..s.k], bm, &mut c.data[..s.n], epi);
        return;
    }
    if (1..=4).contains(&s.n) && s.k > 0 && a.cs == 1 {
        let (buf, panel) = scratch.split_at_mut(s.n * s.k);
        // Columns of a matrix with unit row stride are read where they lie.
        let direct = b.as_mat().filter(|m| m.rs == 1);
        if direct.is_none() {
            gather_columns(s, b, buf, panel);
        }
        let col = |j: usize| -> &[f32] {
            let j = j.min(s.n - 1);
            match direct {
                Some(m) => &m.data[j * m.cs..][..s.k],
                None => &buf[j * s.k..(j + 1) * s.k],
            }
        };
        gemv::few_columns(s, a, core::array::from_fn(col), c, epi);
        return;
    }
    let kblocks = s.k.div_ceil(KC).max(1);
    for kb in 0..kblocks {
        let pc = kb * KC;
        let pass = Pass {
            first: kb == 0,
            last: kb + 1 == kblocks,
        };
        let block = KBlock {
            pc,
            kc: KC.min(s.k - pc),
            pass,
            epi,
        };
        if s.n <= FEW_COLS && a.cs == 1 {
            few_columns(s, a, b, &block, c, scratch);
        } else if s.m <= NARROW_M && b.reads_in_place() {
            narrow(s, a, b, &block, c, scratch);
        } else {
            blocked(s, a, b, &block, c, scratch);
        }
    }
}

/// Writes B's n columns contiguously into `cols` (column j at j·k), packing KC rows at a
/// time through `panel`.
fn gather_columns(s: Shape, b: &impl PackB, cols: &mut [f32], panel: &mut [f32]) {
    for p0 in (0..s.k).step_by(KC) {
        let kc = KC.min(s.k - p0);
        b.pack(p0, kc, 0, s.n, &mut panel[..kc * NR]);
        for (p, row) in panel[..kc * NR].chunks_exact(NR).enumerate() {
            for (j, &v) in row[..s.n].iter().enumerate() {
                cols[j * s.k + p0 + p] = v;
            }
        }
    }
}

/// One k block of a product with few columns: B packed (all of its panels), A read in
/// place, MR rows at a time.
fn few_columns(s: Shape, a: &Mat, b: &impl PackB, k: &KBlock, c: &mut Out, scratch: &mut [f32]) {
    let pb = &mut scratch[..s.n.next_multiple_of(NR) * k.kc];
    b.pack(k.pc, k.kc, 0, s.n, pb);
    for j in (0..s.n).step_by(NR) {
        let panel = Packed(&pb[j * k.kc..]);
        for i in (0..s.m).step_by(MR) {
            let rows = core::array::from_fn(|ii| {
                let r = (i + ii).min(s.m - 1);
                a.data.get(r * a.rs + k.pc..).unwrap_or(&[])
            });
            let tile = Tile {
                i,
                j,
                rows: MR.min(s.m - i),
                cols: NR.min(s.n - j),
            };
            micro::run_rows(rows, &panel, k.kc, c, &tile, k.pass, k.epi);
        }
    }
}

/// One k block of a narrow product: all of A packed, B one panel at a time.
fn narrow(s: Shape, a: &Mat, b: &impl PackB, k: &KBlock, c: &mut Out, scratch: &mut [f32]) {
    let (pa, pb) = scratch.split_at_mut(s.m.next_multiple_of(MR) * k.kc);
    pack::pack_a(a, 0, s.m, k.pc, k.kc, pa);
    panel_by_panel(s, pa, b, k, c, pb);
}

/// A left operand packed once for many products: for each k block of [`KC`] rows, the
/// MR-row panels [`gemm`] would pack, blocks one after another.
pub struct PackedA<'a> {
    pub data: &'a [f32],
}

impl PackedA<'_> {
    /// Floats an m×k operand takes packed.
    pub fn len(m: usize, k: usize) -> usize {
        m.next_multiple_of(MR) * k
    }

    /// Where element (i, p) of an m×k operand goes in its packed form (padding rows past m
    /// stay as the caller left them: zero them once).
    #[inline(always)]
    pub fn index(m: usize, k: usize, i: usize, p: usize) -> usize {
        let (pc, mp) = (p / KC * KC, m.next_multiple_of(MR));
        let kc = KC.min(k - pc);
        mp * pc + (i / MR * kc + p - pc) * MR + i % MR
    }
}

/// C = epilogue(A · B) for an A packed by the caller ([`PackedA`]): B is walked one panel
/// at a time, read in place where it can be. `scratch` holds `KC · NR` floats.
pub fn gemm_packed_a(
    s: Shape,
    a: &PackedA,
    b: &impl PackB,
    c: &mut Out,
    epi: &Epilogue,
    scratch: &mut [f32],
) {
    let mp = s.m.next_multiple_of(MR);
    let kblocks = s.k.div_ceil(KC).max(1);
    for kb in 0..kblocks {
        let pc = kb * KC;
        let block = KBlock {
            pc,
            kc: KC.min(s.k - pc),
            pass: Pass {
                first: kb == 0,
                last: kb + 1 == kblocks,
            },
            epi,
        };
        panel_by_panel(s, &a.data[mp * pc..], b, &block, c, scratch);
    }
}

/// One k block over A packed whole in `pa`: B a panel at a time, in place or packed
/// into `pb`.
fn panel_by_panel(s: Shape, pa: &[f32], b: &impl PackB, k: &KBlock, c: &mut Out, pb: &mut [f32]) {
    for j in (0..s.n).step_by(NR) {
        let cols = NR.min(s.n - j);
        if let Some(panel) = b.packed_panel(k.pc, k.kc, j) {
            rows(pa, &Packed(panel), k, (0, s.m), (j, cols), c);
            continue;
        }
        // Read in place, each row of the panel costs every row tile an offset load;
        // packed once, it is read straight by them all: that pays past about 8 tiles.
        // A panel that could be read in place packs as plain row copies.
        let few_tiles = s.m <= 8 * MR;
        match b.in_place(k.pc, k.kc, j).filter(|_| cols == NR) {
            Some(panel) if few_tiles => rows(pa, &panel, k, (0, s.m), (j, cols), c),
            Some(panel) => {
                panel.pack(k.kc, pb);
                rows(pa, &Packed(pb), k, (0, s.m), (j, cols), c);
            }
            None => {
                b.pack(k.pc, k.kc, j, cols, pb);
                rows(pa, &Packed(pb), k, (0, s.m), (j, cols), c);
            }
        }
    }
}

/// One k block of a wide product, Goto-style: B packed NC columns at a time, A MC rows.
fn blocked(s: Shape, a: &Mat, b: &impl PackB, k: &KBlock, c: &mut Out, scratch: &mut [f32]) {
    for jc in (0..s.n).step_by(NC) {
        let nc = NC.min(s.n - jc);
        let (pb, pa) = scratch.split_at_mut(nc.next_multiple_of(NR) * k.kc);
        b.pack(k.pc, k.kc, jc, nc, pb);
        for ic in (0..s.m).step_by(MC) {
            let mc = MC.min(s.m - ic);
            pack::pack_a(a, ic, mc, k.pc, k.kc, pa);
            for jr in (0..nc).step_by(NR) {
                let panel = Packed(&pb[jr * k.kc..]);
                rows(pa, &panel, k, (ic, mc), (jc + jr, NR.min(nc - jr)), c);
            }
        }
    }
}

/// Runs the micro-kernel down rows `i0..i0+mc` of one B panel (columns `j..j+cols`);
/// `pa` holds those rows' packed A panels.
#[inline(always)]
fn rows(
    pa: &[f32],
    pb: &impl Panel,
    k: &KBlock,
    (i0, mc): (usize, usize),
    (j, cols): (usize, usize),
    c: &mut Out,
) {
    for ir in (0..mc).step_by(MR) {
        let tile = Tile {
            i: i0 + ir,
            j,
            rows: MR.min(mc - ir),
            cols,
        };
        micro::run(&pa[ir * k.kc..], pb, k.kc, c, &tile, k.pass, k.epi);
    }
}
