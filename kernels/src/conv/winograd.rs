//! Winograd F(2×2, 3×3) for 3×3, stride-1, undilated, ungrouped 2-D convolutions: each
//! 2×2 output tile comes from a 4×4 input tile through 16 elementwise products instead of
//! 36 multiply-adds per channel pair, the products summed over input channels as 16
//! GEMMs (one per tile position ξ). Tiles go a block at a time along one tile row, so the
//! transformed input block stays in cache; four tiles share each vector, and the block is
//! written straight in the GEMM's panel layout.
//!
//! With Bᵀ, G and Aᵀ of Lavin & Gray: U = G·g·Gᵀ per filter, V = Bᵀ·d·B per input tile,
//! M[ξ] = U[ξ]·V[ξ] over channels, Y = Aᵀ·M·A.
use super::ConvGeom;
use crate::gemm::{self, Activation, Epilogue, Mat, Out, Panels, Shape, NR};
use crate::simd::{load, store};
use core::arch::wasm32::*;

/// Floats of transformed input one block may take (1 MiB: half of L2).
const BLOCK_FLOATS: usize = 1 << 18;

/// Most tiles transformed and multiplied at once: a multiple of NR, 16 to 128.
fn block_width(g: &ConvGeom) -> usize {
    (BLOCK_FLOATS / 16 / g.cin).clamp(16, 128) / NR * NR
}

/// Whether `g` is a convolution this module runs, and big enough for it to pay.
pub fn applies(g: &ConvGeom) -> bool {
    g.input[0] == 1
        && g.kernel == [1, 3, 3]
        && g.strides == [1; 3]
        && g.dilations == [1; 3]
        && g.group == 1
        && g.cin >= 8
        && g.cout >= 8
        && g.output[1] >= 4
        && g.output[2] >= 8
}

/// The three scratch areas, by length: filters, input block, product block, then the
/// GEMM's own.
fn parts(g: &ConvGeom) -> [usize; 4] {
    let n = block_width(g);
    let gemm = Shape {
        m: g.cout,
        k: g.cin,
        n,
    };
    [
        16 * g.cout * g.cin,
        16 * g.cin * n,
        16 * g.cout * n,
        gemm.scratch_len(),
    ]
}

/// Floats of scratch [`conv`] needs.
pub fn scratch_len(g: &ConvGeom) -> usize {
    parts(g).iter().sum()
}

/// y = act(conv(x, w) + bias) for one batch of NCHW `x`, `y` and `w` [cout, cin, 3, 3].
/// The caller has checked the sizes, [`applies`], and `scratch` against [`scratch_len`].
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
    let (ih, iw) = (g.input[1], g.input[2]);
    let (oh, ow) = (g.output[1], g.output[2]);
    let (in_size, out_size) = (ih * iw, oh * ow);
    let tw = ow.div_ceil(2);
    // Blocks of even width across the tile row.
    let width = tw.div_ceil(tw.div_ceil(block_width(g))).next_multiple_of(4);
    for (xb, yb) in x
        .chunks_exact(g.cin * in_size)
        .zip(y.chunks_exact_mut(g.cout * out_size))
    {
        for ty in 0..oh.div_ceil(2) {
            for t0 in (0..tw).step_by(width) {
                let block = Block {
                    ty,
                    t0,
                    n: width.min(tw - t0),
                };
                inputs(g, xb, &block, v);
                multiply(g, u, v, m, &block, gemm_scratch);
                outputs(g, m, &block, bias, act, yb);
            }
        }
    }
}

/// Tiles t0..t0+n of tile row ty.
struct Block {
    ty: usize,
    t0: usize,
    n: usize,
}

/// U[ξ][co][ci] = (G·g·Gᵀ)[ξ] for every filter.
fn filters(g: &ConvGeom, w: &[f32], u: &mut [f32]) {
    let plane = g.cout * g.cin;
    for (f, k) in w.chunks_exact(9).take(plane).enumerate() {
        // G·g: four rows of three.
        let gg = [
            [k[0], k[1], k[2]],
            core::array::from_fn(|c| 0.5 * (k[c] + k[3 + c] + k[6 + c])),
            core::array::from_fn(|c| 0.5 * (k[c] - k[3 + c] + k[6 + c])),
            [k[6], k[7], k[8]],
        ];
        for (r, row) in gg.iter().enumerate() {
            let t = [
                row[0],
                0.5 * (row[0] + row[1] + row[2]),
                0.5 * (row[0] - row[1] + row[2]),
                row[2],
            ];
            for (c, &val) in t.iter().enumerate() {
                u[(4 * r + c) * plane + f] = val;
            }
        }
    }
}

/// V[ξ][ci][t] = (Bᵀ·d·B)[ξ] for the block's input tiles d (zero outside the image), each
/// V[ξ] in NR-column panels (see [`Panels`]).
fn inputs(g: &ConvGeom, x: &[f32], b: &Block, v: &mut [f32]) {
    let (ih, iw) = (g.input[1], g.input[2]);
    let (pt, pl) = (g.pads[1] as isize, g.pads[2] as isize);
    let y0 = (2 * b.ty) as isize - pt;
    let stride = g.cin * b.n.next_multiple_of(NR);
    for (c, plane) in x.chunks_exact(ih * iw).take(g.cin).enumerate() {
        let rows: [Option<&[f32]>; 4] = core::array::from_fn(|i| {
            let r = y0 + i as isize;
            (r >= 0 && (r as usize) < ih).then(|| &plane[r as usize * iw..(r as usize + 1) * iw])
        });
        let mut t = 0;
        while t < b.n {
            let x0 = (2 * (b.t0 + t)) as isize - pl;
            // Four tiles read inputs x0..x0+10 (two vector loads past x0+8).
            let d = if t + 4 <= b.n && x0 >= 0 && x0 as usize + 12 <= iw {
                rows.map(|r| r.map_or([f32x4_splat(0.0); 4], |r| columns4(r, x0 as usize)))
            } else {
                rows.map(|r| gather4(r, x0, (b.n - t).min(4)))
            };
            let out = transform_input(d);
            let at = (t / NR * g.cin + c) * NR + t % NR;
            let lanes = (b.n - t).min(4);
            for (xi, &o) in out.iter().enumerate() {
                store_lanes(&mut v[xi * stride + at..], o, lanes);
            }
            t += 4;
        }
    }
}

/// Columns j = 0..4 of four tiles starting at input column x0 (tile l at x0 + 2l): lane l
/// of vector j is row[x0 + 2l + j].
#[inline(always)]
fn columns4(row: &[f32], x0: usize) -> [v128; 4] {
    let (a, b, c) = (load(row, x0), load(row, x0 + 4), load(row, x0 + 8));
    let even0 = i32x4_shuffle::<0, 2, 4, 6>(a, b);
    let odd0 = i32x4_shuffle::<1, 3, 5, 7>(a, b);
    let even1 = i32x4_shuffle::<2, 4, 6, 0>(a, b);
    let even1 = i32x4_shuffle::<0, 1, 2, 4>(even1, c);
    let odd1 = i32x4_shuffle::<3, 5, 7, 0>(a, b);
    let odd1 = i32x4_shuffle::<0, 1, 2, 5>(odd1, c);
    [even0, odd0, even1, odd1]
}

/// [`columns4`] checking every element against the row's bounds (zero outside), for
/// `tiles` tiles.
fn gather4(row: Option<&[f32]>, x0: isize, tiles: usize) -> [v128; 4] {
    let Some(row) = row else {
        return [f32x4_splat(0.0); 4];
    };
    let at = |l: usize, j: usize| {
        let i = x0 + (2 * l + j) as isize;
        if l < tiles && i >= 0 && (i as usize) < row.len() {
            row[i as usize]
        } else {
            0.0
        }
    };
    core::array::from_fn(|j| f32x4(at(0, j), at(1, j), at(2, j), at(3, j)))
}

/// Bᵀ·d·B on four tiles at once: d[i][j] holds row i, column j.
#[inline(always)]
fn transform_input(d: [[v128; 4]; 4]) -> [v128; 16] {
    // Bᵀ on each column: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3.
    let bt = |c: [v128; 4]| {
        [
            f32x4_sub(c[0], c[2]),
            f32x4_add(c[1], c[2]),
            f32x4_sub(c[2], c[1]),
            f32x4_sub(c[1], c[3]),
        ]
    };
    let cols: [[v128; 4]; 4] = core::array::from_fn(|j| bt([d[0][j], d[1][j], d[2][j], d[3][j]]));
    // The same on each row of the result: ξ = 4·i + j.
    let mut out = [f32x4_splat(0.0); 16];
    for i in 0..4 {
        let r = bt([cols[0][i], cols[1][i], cols[2][i], cols[3][i]]);
        out[4 * i..4 * i + 4].copy_from_slice(&r);
    }
    out
}

/// Stores the first `lanes` lanes of `v` at `dst[0..]`.
#[inline(always)]
fn store_lanes(dst: &mut [f32], v: v128, lanes: usize) {
    if lanes == 4 {
        store(dst, 0, v);
    } else {
        let vals = [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ];
        dst[..lanes].copy_from_slice(&vals[..lanes]);
    }
}

/// M[ξ] = U[ξ] · V[ξ] for the 16 positions.
fn multiply(g: &ConvGeom, u: &[f32], v: &[f32], m: &mut [f32], b: &Block, scratch: &mut [f32]) {
    let s = Shape {
        m: g.cout,
        k: g.cin,
        n: b.n,
    };
    let (lu, lv, lm) = (
        g.cout * g.cin,
        g.cin * b.n.next_multiple_of(NR),
        g.cout * b.n,
    );
    for xi in 0..16 {
        let a = Mat {
            data: &u[xi * lu..(xi + 1) * lu],
            rs: g.cin,
            cs: 1,
        };
        let bm = Panels {
            data: &v[xi * lv..(xi + 1) * lv],
            k: g.cin,
        };
        let mut out = Out {
            data: &mut m[xi * lm..(xi + 1) * lm],
            ldc: b.n,
        };
        gemm::gemm(s, &a, &bm, &mut out, &Epilogue::NONE, scratch);
    }
}

/// Y = Aᵀ·M·A (+ bias, activated) into the block's output tiles.
fn outputs(
    g: &ConvGeom,
    m: &[f32],
    b: &Block,
    bias: Option<&[f32]>,
    act: Activation,
    y: &mut [f32],
) {
    let (oh, ow) = (g.output[1], g.output[2]);
    let lm = g.cout * b.n;
    let oy = 2 * b.ty;
    let rows = (oh - oy).min(2);
    for (co, plane) in y.chunks_exact_mut(oh * ow).take(g.cout).enumerate() {
        let bv = f32x4_splat(bias.map_or(0.0, |b| b[co]));
        let mut t = 0;
        while t < b.n {
            let at = co * b.n + t;
            let lanes = (b.n - t).min(4);
            let mx: [v128; 16] = core::array::from_fn(|xi| load_lanes(&m[xi * lm + at..], lanes));
            let [y00, y01, y10, y11] = transform_output(mx).map(|v| act.apply4(f32x4_add(v, bv)));
            let ox = 2 * (b.t0 + t);
            for (r, (left, right)) in [(y00, y01), (y10, y11)].into_iter().enumerate().take(rows) {
                let row = &mut plane[(oy + r) * ow..(oy + r + 1) * ow];
                let lo = i32x4_shuffle::<0, 4, 1, 5>(left, right);
                let hi = i32x4_shuffle::<2, 6, 3, 7>(left, right);
                if lanes == 4 && ox + 8 <= ow {
                    store(row, ox, lo);
                    store(row, ox + 4, hi);
                } else {
                    let vals = lanes8(lo, hi);
                    let n = (2 * lanes).min(ow - ox);
                    row[ox..ox + n].copy_from_slice(&vals[..n]);
                }
            }
            t += 4;
        }
    }
}

/// Aᵀ·m·A on four tiles at once: the 2×2 outputs y00, y01, y10, y11.
#[inline(always)]
fn transform_output(m: [v128; 16]) -> [v128; 4] {
    // Aᵀ on each column j: m0 + m1 + m2, m1 - m2 - m3.
    let at = |a: v128, b: v128, c: v128, d: v128| {
        (f32x4_add(f32x4_add(a, b), c), f32x4_sub(f32x4_sub(b, c), d))
    };
    let cols: [(v128, v128); 4] = core::array::from_fn(|j| at(m[j], m[4 + j], m[8 + j], m[12 + j]));
    let (y00, y01) = at(cols[0].0, cols[1].0, cols[2].0, cols[3].0);
    let (y10, y11) = at(cols[0].1, cols[1].1, cols[2].1, cols[3].1);
    [y00, y01, y10, y11]
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

/// The eight lanes of two vectors, in order.
fn lanes8(lo: v128, hi: v128) -> [f32; 8] {
    let mut out = [0.0; 8];
    store(&mut out, 0, lo);
    store(&mut out, 4, hi);
    out
}
