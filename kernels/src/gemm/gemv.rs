//! Products with a single row (m = 1) or at most four columns, by dot products and
//! without packing. The packed path would pad them to an MR×NR tile (up to eight times the
//! multiply-adds) and, for a B stored transposed, pack all of B per call; here B is
//! streamed once in whichever order it lies.
use super::epilogue::Epilogue;
use super::{Mat, Out, Shape};
use crate::simd::{load, madd, store};
use core::arch::wasm32::*;

/// Columns of B a row-major pass holds in registers at once (four vectors).
const COLS: usize = 16;

/// y[j] = epi(Σ_p a[p] · B[p, j]) for j < y.len(), with `a` the k values of the row.
/// The caller has checked that B covers k × y.len().
pub fn gemv(a: &[f32], b: &Mat, y: &mut [f32], epi: &Epilogue) {
    if b.cs == 1 && b.rs >= 1 {
        by_rows(a, b, y, epi);
    } else if b.rs == 1 {
        by_columns(a, b, y, epi);
    } else {
        for (j, out) in y.iter_mut().enumerate() {
            let dot = a
                .iter()
                .enumerate()
                .fold(0.0, |s, (p, &av)| s + av * b.data[p * b.rs + j * b.cs]);
            *out = epi.apply(dot, 0, j);
        }
    }
}

/// Row-major B: each output block of COLS columns sums a[p]·(row p of the block).
fn by_rows(a: &[f32], b: &Mat, y: &mut [f32], epi: &Epilogue) {
    let n = y.len();
    let mut j = 0;
    while j + COLS <= n {
        let mut acc = [f32x4_splat(0.0); COLS / 4];
        for (p, &av) in a.iter().enumerate() {
            let row = &b.data[p * b.rs + j..p * b.rs + j + COLS];
            let avv = f32x4_splat(av);
            for (q, s) in acc.iter_mut().enumerate() {
                *s = madd(avv, load(row, 4 * q), *s);
            }
        }
        for (q, &s) in acc.iter().enumerate() {
            store(y, j + 4 * q, epi.apply4(s, 0, j + 4 * q));
        }
        j += COLS;
    }
    while j + 4 <= n {
        let mut s = f32x4_splat(0.0);
        for (p, &av) in a.iter().enumerate() {
            s = madd(f32x4_splat(av), load(b.data, p * b.rs + j), s);
        }
        store(y, j, epi.apply4(s, 0, j));
        j += 4;
    }
    for (jj, out) in y.iter_mut().enumerate().skip(j) {
        let dot = a
            .iter()
            .enumerate()
            .fold(0.0, |s, (p, &av)| s + av * b.data[p * b.rs + jj]);
        *out = epi.apply(dot, 0, jj);
    }
}

/// Transposed B (column j contiguous at j·cs): four dot products at a time.
fn by_columns(a: &[f32], b: &Mat, y: &mut [f32], epi: &Epilogue) {
    let (n, k) = (y.len(), a.len());
    let mut j = 0;
    while j + 4 <= n {
        let cols: [&[f32]; 4] = core::array::from_fn(|c| &b.data[(j + c) * b.cs..][..k]);
        let sums = dot4(a, cols);
        store(y, j, epi.apply4(sums, 0, j));
        j += 4;
    }
    for (jj, out) in y.iter_mut().enumerate().skip(j) {
        *out = epi.apply(dot(a, &b.data[jj * b.cs..][..k]), 0, jj);
    }
}

/// C = epilogue(A · B) for B of at most four columns (n in 1..=4), given as `cols` (k
/// values each; entries past n repeat the last), and A with contiguous rows: four dot
/// products per row of A.
pub fn few_columns(s: Shape, a: &Mat, cols: [&[f32]; 4], c: &mut Out, epi: &Epilogue) {
    let (k, n) = (s.k, s.n);
    if n == 1 {
        return one_column(s, a, cols[0], c, epi);
    }
    for i in 0..s.m {
        let sums = dot4(&a.data[i * a.rs..][..k], cols);
        let row = &mut c.data[i * c.ldc..][..n];
        if n == 4 {
            store(row, 0, epi.apply4(sums, i, 0));
        } else {
            let mut lanes = [0.0; 4];
            store(&mut lanes, 0, sums);
            for (j, out) in row.iter_mut().enumerate() {
                *out = epi.apply(lanes[j], i, j);
            }
        }
    }
}

/// [`few_columns`] for a single column `b`: four rows of A per [`dot4`].
fn one_column(s: Shape, a: &Mat, b: &[f32], c: &mut Out, epi: &Epilogue) {
    let row = |i: usize| &a.data[i * a.rs..][..s.k];
    let mut i = 0;
    while i < s.m {
        let rows = (s.m - i).min(4);
        let sums = dot4(b, core::array::from_fn(|r| row(i + r.min(rows - 1))));
        let mut lanes = [0.0; 4];
        store(&mut lanes, 0, sums);
        for (r, &v) in lanes.iter().enumerate().take(rows) {
            c.data[(i + r) * c.ldc] = epi.apply(v, i + r, 0);
        }
        i += 4;
    }
}

/// The four dot products of `a` with `cols`, as the lanes of one vector.
#[inline(always)]
pub fn dot4(a: &[f32], cols: [&[f32]; 4]) -> v128 {
    let k = a.len();
    let body = k - k % 4;
    let mut acc = [f32x4_splat(0.0); 4];
    // Every slice cut to `body` first: the loads below then need no bounds checks.
    let c: [&[f32]; 4] = cols.map(|c| &c[..body]);
    let quads = a[..body]
        .chunks_exact(4)
        .zip(c[0].chunks_exact(4))
        .zip(c[1].chunks_exact(4))
        .zip(c[2].chunks_exact(4))
        .zip(c[3].chunks_exact(4));
    for ((((av, c0), c1), c2), c3) in quads {
        let av = load(av, 0);
        for (s, col) in acc.iter_mut().zip([c0, c1, c2, c3]) {
            *s = madd(av, load(col, 0), *s);
        }
    }
    // Transpose-and-add: lane c of the result sums accumulator c's lanes.
    let lo01 = i32x4_shuffle::<0, 4, 1, 5>(acc[0], acc[1]);
    let hi01 = i32x4_shuffle::<2, 6, 3, 7>(acc[0], acc[1]);
    let lo23 = i32x4_shuffle::<0, 4, 1, 5>(acc[2], acc[3]);
    let hi23 = i32x4_shuffle::<2, 6, 3, 7>(acc[2], acc[3]);
    let s01 = f32x4_add(lo01, hi01);
    let s23 = f32x4_add(lo23, hi23);
    let mut sums = f32x4_add(
        i32x4_shuffle::<0, 1, 4, 5>(s01, s23),
        i32x4_shuffle::<2, 3, 6, 7>(s01, s23),
    );
    if body < k {
        let tail: [f32; 4] = core::array::from_fn(|c| dot(&a[body..], &cols[c][body..]));
        sums = f32x4_add(sums, f32x4(tail[0], tail[1], tail[2], tail[3]));
    }
    sums
}

/// One dot product, four lanes at a time.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let body = a.len() - a.len() % 4;
    let mut acc = f32x4_splat(0.0);
    for p in (0..body).step_by(4) {
        acc = madd(load(a, p), load(b, p), acc);
    }
    let lanes = [
        f32x4_extract_lane::<0>(acc),
        f32x4_extract_lane::<1>(acc),
        f32x4_extract_lane::<2>(acc),
        f32x4_extract_lane::<3>(acc),
    ];
    let tail: f32 = a[body..].iter().zip(&b[body..]).map(|(x, y)| x * y).sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}
