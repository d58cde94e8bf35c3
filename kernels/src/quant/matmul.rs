//! Batched integer matrix products (MatMulInteger, QLinearMatMul). The caller maps each
//! output batch to its operands' batches (numpy broadcasting), so this file only multiplies.
use super::elem::{zero_point, QInt};
use super::igemm::{b_len, igemm, pack_a, pack_b, pairs, Packed, PackedSizes};
use super::requant::{requantize, Factor, Output, Scales};

/// Sizes of one product: A is m × k, B is k × n.
#[derive(Clone, Copy)]
pub struct Dims {
    pub m: usize,
    pub k: usize,
    pub n: usize,
}

/// Columns of the batch table: per output batch, the A and B matrix indices and the element
/// offsets of A's and B's zero points and scales.
pub const TABLE_COLUMNS: usize = 4;

/// Sizes of the [`Packed`] scratch for `d`.
pub fn packed_sizes(d: Dims) -> PackedSizes {
    PackedSizes {
        a: d.m * pairs(d.k),
        b: b_len(d.k, d.n),
        acc: d.m * d.n,
    }
}

/// Whether every row of `table` stays inside the operands.
pub fn table_fits<A, B>(table: &[i32], d: Dims, a: &Factor<A>, b: &Factor<B>) -> bool {
    table.chunks_exact(TABLE_COLUMNS).all(|t| {
        if t.iter().any(|&v| v < 0) {
            return false;
        }
        let [ai, bi, ap, bp] = [t[0], t[1], t[2], t[3]].map(|v| v as usize);
        fits(ai, d.m * d.k, a.data.len())
            && fits(bi, d.k * d.n, b.data.len())
            && a.params_fit(ap, d.m)
            && b.params_fit(bp, d.n)
    })
}

fn fits(index: usize, size: usize, len: usize) -> bool {
    (index + 1).checked_mul(size).is_some_and(|end| end <= len)
}

/// MatMulInteger: each m × n block of y = (A - a_zp) · (B - b_zp) for its table row.
pub fn matmul_integer<A: QInt, B: QInt>(
    a: &Factor<A>,
    b: &Factor<B>,
    d: Dims,
    table: &[i32],
    packed: Packed,
    y: &mut [i32],
) {
    let mut mul = Multiplier {
        a,
        b,
        d,
        pa: packed.a,
        pb: packed.b,
        last_b: None,
    };
    for (t, out) in table
        .chunks_exact(TABLE_COLUMNS)
        .zip(y.chunks_exact_mut(d.m * d.n))
    {
        mul.product(t, out);
    }
}

/// QLinearMatMul: as [`matmul_integer`] into `packed.acc`, requantized into y.
pub fn qlinear_matmul<A: QInt, B: QInt, Y: QInt>(
    a: &Factor<A>,
    b: &Factor<B>,
    d: Dims,
    table: &[i32],
    packed: Packed,
    y: Output<Y>,
) {
    let y_zp = zero_point(y.zp, 0);
    let mut mul = Multiplier {
        a,
        b,
        d,
        pa: packed.a,
        pb: packed.b,
        last_b: None,
    };
    for (t, out) in table
        .chunks_exact(TABLE_COLUMNS)
        .zip(y.data.chunks_exact_mut(d.m * d.n))
    {
        mul.product(t, packed.acc);
        let (ap, bp) = (t[2] as usize, t[3] as usize);
        let scales = Scales {
            a: &a.scale[ap..],
            a_step: a.scale_step(),
            b: &b.scale[bp..],
            b_row_step: 0,
            b_col_step: b.scale_step(),
            y: y.scale,
        };
        requantize(packed.acc, d.m, d.n, &scales, y_zp, out);
    }
}

/// Packs and multiplies the operands of one table row at a time.
struct Multiplier<'a, A, B> {
    a: &'a Factor<'a, A>,
    b: &'a Factor<'a, B>,
    d: Dims,
    pa: &'a mut [i32],
    pb: &'a mut [i16],
    /// The (B matrix, B params) packed in `pb`, so a shared B is packed once.
    last_b: Option<(i32, i32)>,
}

impl<A: QInt, B: QInt> Multiplier<'_, A, B> {
    fn product(&mut self, t: &[i32], out: &mut [i32]) {
        let (a, b, d) = (self.a, self.b, self.d);
        let (ai, bi, ap, bp) = (t[0] as usize, t[1] as usize, t[2] as usize, t[3] as usize);
        let a_zp = a.zp.get(ap..).unwrap_or(&[]);
        pack_a(
            &a.data[ai * d.m * d.k..],
            d.m,
            d.k,
            a_zp,
            a.zp_step(),
            self.pa,
        );
        if self.last_b != Some((t[1], t[3])) {
            let b_zp = b.zp.get(bp..).unwrap_or(&[]);
            pack_b(
                &b.data[bi * d.k * d.n..],
                d.k,
                d.n,
                b_zp,
                b.zp_step(),
                self.pb,
            );
            self.last_b = Some((t[1], t[3]));
        }
        igemm(d.m, d.n, pairs(d.k), self.pa, self.pb, out);
    }
}
