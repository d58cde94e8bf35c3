//! Winograd F(4×4, 3×3) for 3×3, stride-1, undilated, ungrouped 2-D convolutions: each
//! 4×4 output tile comes from a 6×6 input tile through 36 elementwise products instead of
//! 144 multiply-adds per channel pair, the products summed over input channels as 36
//! GEMMs (one per tile position ξ). Tiles go a block at a time (consecutive tiles in row
//! order), so the transformed input block stays in cache; four tiles share each vector,
//! and the block is written straight in the GEMM's panel layout. The transformed filters
//! are packed once per call as the GEMM's left operand.
//!
//! With the Bᵀ, G and Aᵀ of Lavin & Gray for the points 0, ±1, ±2, ∞: U = G·g·Gᵀ per
//! filter, V = Bᵀ·d·B per input tile, M[ξ] = U[ξ]·V[ξ] over channels, Y = Aᵀ·M·A.
use super::ConvGeom;
use crate::gemm::{self, Activation, Epilogue, Out, PackedA, Panels, Shape, KC, NR};
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// Output tile side.
pub const TILE: usize = 4;
/// Input tile side, and the transforms' size.
const SIDE: usize = TILE + 2;
/// Tile positions: one GEMM each.
const POSITIONS: usize = SIDE * SIDE;

/// Floats of transformed input one block may take (1 MiB: half of L2).
const BLOCK_FLOATS: usize = 1 << 18;

/// Most tiles transformed and multiplied at once: a multiple of NR, 16 to 128.
fn block_width(g: &ConvGeom) -> usize {
    (BLOCK_FLOATS / POSITIONS / g.cin).clamp(16, 128) / NR * NR
}

/// Whether `g` is a convolution this module runs, and big enough for it to pay. Any
/// number of output channels qualifies, so that every part of a convolution split over
/// output channels by threads takes the same path and rounds the same way.
pub fn applies(g: &ConvGeom) -> bool {
    // Rows split off for threads must be whole tile rows.
    let [r0, r1] = g.rows;
    let whole_tiles = r0 % TILE == 0 && (r1 % TILE == 0 || r1 == g.output[1]);
    whole_tiles
        && g.input[0] == 1
        && g.kernel == [1, 3, 3]
        && g.strides == [1; 3]
        && g.dilations == [1; 3]
        && g.group == 1
        && g.cin >= 8
        && g.output[1] >= TILE
        && g.output[2] >= 2 * TILE
}

/// The scratch areas, by length: packed filters, input block, product block, then the
/// GEMM's own.
fn parts(g: &ConvGeom) -> [usize; 4] {
    let n = block_width(g);
    [
        POSITIONS * PackedA::len(g.cout, g.cin),
        POSITIONS * g.cin * n,
        POSITIONS * g.cout * n,
        KC * NR,
    ]
}

/// Floats of scratch [`conv`] needs.
pub fn scratch_len(g: &ConvGeom) -> usize {
    parts(g).iter().sum()
}

/// y = act(conv(x, w) + bias) for NCHW `x`, `y` and `w` [cout, cin, 3, 3]. The caller has
/// checked the sizes, [`applies`], and `scratch` against [`scratch_len`].
pub fn conv(
    g: &ConvGeom,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
    act: Activation,
    scratch: &mut [f32],
) {
    let [lu, lv, lm, _] = parts(g);
    let (u, rest) = scratch.split_at_mut(lu);
    let (v, rest) = rest.split_at_mut(lv);
    let (m, gemm_scratch) = rest.split_at_mut(lm);
    filters(g, w, u);
    let (in_size, out_size) = (g.input_size(), g.output_size());
    let grid = Grid::of(g);
    let width = block_width(g);
    for (xb, yb) in x
        .chunks_exact(g.cin * in_size)
        .zip(y.chunks_exact_mut(g.cout * out_size))
    {
        let tiles = g.rows[0] / TILE * grid.across..g.rows[1].div_ceil(TILE) * grid.across;
        for t0 in tiles.clone().step_by(width) {
            let block = Block {
                t0,
                n: width.min(tiles.end - t0),
            };
            inputs(g, &grid, xb, &block, v);
            multiply(g, u, v, m, &block, gemm_scratch);
            outputs(g, &grid, m, &block, bias, act, yb);
        }
    }
}

/// The output's tiles, `across` per tile row.
struct Grid {
    across: usize,
}

impl Grid {
    fn of(g: &ConvGeom) -> Self {
        Grid {
            across: g.output[2].div_ceil(TILE),
        }
    }

    /// Top-left output (row, column) of tile t.
    fn origin(&self, t: usize) -> (usize, usize) {
        (t / self.across * TILE, t % self.across * TILE)
    }

    /// Whether tiles t..t+4 lie in one tile row.
    fn one_row(&self, t: usize) -> bool {
        t % self.across + 4 <= self.across
    }
}

/// Tiles t0..t0+n, in row order.
struct Block {
    t0: usize,
    n: usize,
}

/// U[ξ] = (G·g·Gᵀ)[ξ] for every filter, each U[ξ] packed as a GEMM left operand.
fn filters(g: &ConvGeom, w: &[f32], u: &mut [f32]) {
    u.fill(0.0);
    let lu = PackedA::len(g.cout, g.cin);
    // G on three values: rows of the 6×3 matrix.
    let gt = |a: f32, b: f32, c: f32| {
        [
            a / 4.0,
            -(a + b + c) / 6.0,
            -(a - b + c) / 6.0,
            a / 24.0 + b / 12.0 + c / 6.0,
            a / 24.0 - b / 12.0 + c / 6.0,
            c,
        ]
    };
    for (f, k) in w.chunks_exact(9).take(g.cout * g.cin).enumerate() {
        let (co, ci) = (f / g.cin, f % g.cin);
        let cols: [[f32; SIDE]; 3] = core::array::from_fn(|c| gt(k[c], k[3 + c], k[6 + c]));
        let at = PackedA::index(g.cout, g.cin, co, ci);
        for r in 0..SIDE {
            let row = gt(cols[0][r], cols[1][r], cols[2][r]);
            for (c, &val) in row.iter().enumerate() {
                u[(SIDE * r + c) * lu + at] = val;
            }
        }
    }
}

/// V[ξ][ci][t] = (Bᵀ·d·B)[ξ] for the block's input tiles d (zero outside the image), each
/// V[ξ] in NR-column panels (see [`Panels`]).
fn inputs(g: &ConvGeom, grid: &Grid, x: &[f32], b: &Block, v: &mut [f32]) {
    let (ih, iw) = (g.input[1], g.input[2]);
    let (pt, pl) = (g.pads[1] as isize, g.pads[2] as isize);
    let stride = g.cin * b.n.next_multiple_of(NR);
    for (c, plane) in x.chunks_exact(ih * iw).take(g.cin).enumerate() {
        for t in (0..b.n).step_by(4) {
            let lanes = (b.n - t).min(4);
            let (oy, ox) = grid.origin(b.t0 + t);
            let (y0, x0) = (oy as isize - pt, ox as isize - pl);
            // Four tiles in one row read inputs x0..x0+18 (five vector loads, to x0+20); at
            // the image's left and right edges those go through a zero-filled copy.
            let one_row = lanes == 4 && grid.one_row(b.t0 + t);
            let inside = x0 >= 0 && x0 as usize + SPAN <= iw;
            let row = |i: usize| {
                let r = y0 + i as isize;
                (r >= 0 && (r as usize) < ih)
                    .then(|| &plane[r as usize * iw..(r as usize + 1) * iw])
            };
            // B on each row, then Bᵀ down each column: few vectors live at a time.
            let mut rows_b = [[f32x4_splat(0.0); SIDE]; SIDE];
            for (i, dst) in rows_b.iter_mut().enumerate() {
                let d = if !one_row {
                    gather(g, grid, plane, b.t0 + t, lanes, i)
                } else {
                    match row(i) {
                        None => continue,
                        Some(r) if inside => columns(r, x0 as usize),
                        Some(r) => columns(&edge_copy(r, x0), 0),
                    }
                };
                *dst = apply_bt(d);
            }
            let at = (t / NR * g.cin + c) * NR + t % NR;
            for j in 0..SIDE {
                let col = apply_bt(core::array::from_fn(|i| rows_b[i][j]));
                for (i, &o) in col.iter().enumerate() {
                    store_lanes(&mut v[(SIDE * i + j) * stride + at..], o, lanes);
                }
            }
        }
    }
}

/// Columns j = 0..6 of four tiles starting at input column x0 (tile l at x0 + 4l): lane l
/// of vector j is row[x0 + 4l + j].
#[inline(always)]
fn columns(row: &[f32], x0: usize) -> [v128; SIDE] {
    let q: [v128; 5] = core::array::from_fn(|i| load(row, x0 + 4 * i));
    let [c0, c1, c2, c3] = transpose(q[0], q[1], q[2], q[3]);
    // Columns 4 and 5 are columns 0 and 1 of the next four vectors.
    let lo = i32x4_shuffle::<0, 4, 1, 5>(q[1], q[2]);
    let hi = i32x4_shuffle::<0, 4, 1, 5>(q[3], q[4]);
    let c4 = i32x4_shuffle::<0, 1, 4, 5>(lo, hi);
    let c5 = i32x4_shuffle::<2, 3, 6, 7>(lo, hi);
    [c0, c1, c2, c3, c4, c5]
}

/// Inputs one vector group of tiles reads from a row: five vectors.
const SPAN: usize = 20;

/// row[x0..x0+SPAN], zero where that runs outside the row.
#[inline(always)]
fn edge_copy(row: &[f32], x0: isize) -> [f32; SPAN] {
    core::array::from_fn(|i| {
        let c = x0 + i as isize;
        if c >= 0 && (c as usize) < row.len() {
            row[c as usize]
        } else {
            0.0
        }
    })
}

/// The 4×4 transpose of rows a, b, c, d.
#[inline(always)]
fn transpose(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
    let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b);
    let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b);
    let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c, d);
    let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c, d);
    [
        i32x4_shuffle::<0, 1, 4, 5>(ab_lo, cd_lo),
        i32x4_shuffle::<2, 3, 6, 7>(ab_lo, cd_lo),
        i32x4_shuffle::<0, 1, 4, 5>(ab_hi, cd_hi),
        i32x4_shuffle::<2, 3, 6, 7>(ab_hi, cd_hi),
    ]
}

/// Row i of the input tiles t..t+lanes, every element checked against the image (zero
/// outside), lane l for tile t+l.
fn gather(
    g: &ConvGeom,
    grid: &Grid,
    plane: &[f32],
    t: usize,
    lanes: usize,
    i: usize,
) -> [v128; SIDE] {
    let (ih, iw) = (g.input[1], g.input[2]);
    let at = |l: usize, j: usize| {
        if l >= lanes {
            return 0.0;
        }
        let (oy, ox) = grid.origin(t + l);
        let r = (oy + i) as isize - g.pads[1] as isize;
        let c = (ox + j) as isize - g.pads[2] as isize;
        if r >= 0 && (r as usize) < ih && c >= 0 && (c as usize) < iw {
            plane[r as usize * iw + c as usize]
        } else {
            0.0
        }
    };
    core::array::from_fn(|j| f32x4(at(0, j), at(1, j), at(2, j), at(3, j)))
}

/// Bᵀ on six values: 4d0 − 5d2 + d4, −4d1 − 4d2 + d3 + d4, 4d1 − 4d2 − d3 + d4,
/// −2d1 − d2 + 2d3 + d4, 2d1 − d2 − 2d3 + d4, 4d1 − 5d3 + d5.
#[inline(always)]
fn apply_bt(d: [v128; SIDE]) -> [v128; SIDE] {
    let (four, five, two) = (f32x4_splat(4.0), f32x4_splat(-5.0), f32x4_splat(2.0));
    let m4 = f32x4_splat(-4.0);
    let a = madd(d[2], m4, d[4]);
    let b = madd(d[1], m4, d[3]);
    let c = f32x4_sub(d[4], d[2]);
    let e = f32x4_mul(two, f32x4_sub(d[3], d[1]));
    [
        madd(d[0], four, madd(d[2], five, d[4])),
        f32x4_add(a, b),
        f32x4_sub(a, b),
        f32x4_add(c, e),
        f32x4_sub(c, e),
        madd(d[1], four, madd(d[3], five, d[5])),
    ]
}

/// Stores the first `lanes` lanes of `v` at `dst[0..]`.
#[inline(always)]
fn store_lanes(dst: &mut [f32], v: v128, lanes: usize) {
    if lanes == 4 {
        store(dst, 0, v);
    } else {
        let mut vals = [0.0; 4];
        store(&mut vals, 0, v);
        dst[..lanes].copy_from_slice(&vals[..lanes]);
    }
}

/// M[ξ] = U[ξ] · V[ξ] for the 36 positions.
fn multiply(g: &ConvGeom, u: &[f32], v: &[f32], m: &mut [f32], b: &Block, scratch: &mut [f32]) {
    let s = Shape {
        m: g.cout,
        k: g.cin,
        n: b.n,
    };
    let (lu, lv, lm) = (
        PackedA::len(g.cout, g.cin),
        g.cin * b.n.next_multiple_of(NR),
        g.cout * b.n,
    );
    for xi in 0..POSITIONS {
        let a = PackedA {
            data: &u[xi * lu..(xi + 1) * lu],
        };
        let bm = Panels {
            data: &v[xi * lv..(xi + 1) * lv],
            k: g.cin,
        };
        let mut out = Out {
            data: &mut m[xi * lm..(xi + 1) * lm],
            ldc: b.n,
        };
        gemm::gemm_packed_a(s, &a, &bm, &mut out, &Epilogue::NONE, scratch);
    }
}

/// Aᵀ on six values: m0 + m1 + m2 + m3 + m4, m1 − m2 + 2(m3 − m4), m1 + m2 + 4(m3 + m4),
/// m1 − m2 + 8(m3 − m4) + m5.
#[inline(always)]
fn apply_at(m: [v128; SIDE]) -> [v128; TILE] {
    let (s1, d1) = (f32x4_add(m[1], m[2]), f32x4_sub(m[1], m[2]));
    let (s2, d2) = (f32x4_add(m[3], m[4]), f32x4_sub(m[3], m[4]));
    [
        f32x4_add(f32x4_add(m[0], s1), s2),
        madd(d2, f32x4_splat(2.0), d1),
        madd(s2, f32x4_splat(4.0), s1),
        madd(d2, f32x4_splat(8.0), f32x4_add(d1, m[5])),
    ]
}

/// Y = Aᵀ·M·A (+ bias, activated) into the block's output tiles.
fn outputs(
    g: &ConvGeom,
    grid: &Grid,
    m: &[f32],
    b: &Block,
    bias: Option<&[f32]>,
    act: Activation,
    y: &mut [f32],
) {
    let (oh, ow) = (g.output[1], g.output[2]);
    let lm = g.cout * b.n;
    for t in (0..b.n).step_by(4) {
        let lanes = (b.n - t).min(4);
        let (oy, ox) = grid.origin(b.t0 + t);
        let whole = lanes == 4 && grid.one_row(b.t0 + t) && oy + TILE <= oh && ox + 16 <= ow;
        for (co, plane) in y.chunks_exact_mut(oh * ow).take(g.cout).enumerate() {
            let bv = f32x4_splat(bias.map_or(0.0, |b| b[co]));
            let at = co * b.n + t;
            // A on each row of M, then Aᵀ down each column.
            let rows_a: [[v128; TILE]; SIDE] = core::array::from_fn(|i| {
                apply_at(core::array::from_fn(|j| {
                    load_lanes(&m[(SIDE * i + j) * lm + at..], lanes)
                }))
            });
            let mut out = [[f32x4_splat(0.0); TILE]; TILE];
            for c in 0..TILE {
                let col = apply_at(core::array::from_fn(|i| rows_a[i][c]));
                for (r, &v) in col.iter().enumerate() {
                    out[r][c] = act.apply4(f32x4_add(v, bv));
                }
            }
            if whole {
                for (r, row) in out.iter().enumerate() {
                    let dst = &mut plane[(oy + r) * ow + ox..];
                    for (l, &v) in transpose(row[0], row[1], row[2], row[3]).iter().enumerate() {
                        store(dst, 4 * l, v);
                    }
                }
            } else {
                scatter(grid, &out, b.t0 + t, lanes, (oh, ow), plane);
            }
        }
    }
}

/// Writes tiles t..t+lanes of `out` element by element, dropping what falls outside the
/// plane.
fn scatter(
    grid: &Grid,
    out: &[[v128; TILE]; TILE],
    t: usize,
    lanes: usize,
    (oh, ow): (usize, usize),
    plane: &mut [f32],
) {
    for (r, row) in out.iter().enumerate() {
        let vals: [[f32; 4]; TILE] = row.map(|v| {
            let mut a = [0.0; 4];
            store(&mut a, 0, v);
            a
        });
        for l in 0..lanes {
            let (oy, ox) = grid.origin(t + l);
            if oy + r >= oh {
                continue;
            }
            for (c, col) in vals.iter().enumerate().take(ow.saturating_sub(ox)) {
                plane[(oy + r) * ow + ox + c] = col[l];
            }
        }
    }
}

/// The first `lanes` values of `src` in a vector (zeros after).
#[inline(always)]
fn load_lanes(src: &[f32], lanes: usize) -> v128 {
    if lanes == 4 {
        load(src, 0)
    } else {
        let at = |l: usize| if l < lanes { src[l] } else { 0.0 };
        f32x4(at(0), at(1), at(2), at(3))
    }
}
