//! Implicit im2col: the Conv GEMM's right operand, row (channel, kz, ky, kx) by column
//! (output pixel), packed straight from the image without materializing the matrix.
use super::ConvGeom;
use crate::gemm::{InPlace, PackB, NR};

/// One group's input channels seen as the (cin/g · kernel) × (output pixels) matrix.
pub struct Im2col<'a> {
    g: &'a ConvGeom,
    x: &'a [f32],
    /// Per row (channel, kz, ky, kx): its offset from the pixel tap 0 reads.
    taps: &'a [u32],
}

impl<'a> Im2col<'a> {
    /// The matrix over `x`, the group's `cin/group` input planes; `taps` as filled by
    /// [`tap_offsets`].
    pub fn new(g: &'a ConvGeom, x: &'a [f32], taps: &'a [u32]) -> Self {
        Im2col { g, x, taps }
    }
}

/// Fills `out` (one entry per im2col row) with each row's input offset relative to the
/// pixel its tap 0 reads.
pub fn tap_offsets(g: &ConvGeom, out: &mut [u32]) {
    let [kd, kh, kw] = g.kernel;
    let [id, ih, iw] = g.input;
    let [dd, dh, dw] = g.dilations;
    for (p, o) in out.iter_mut().enumerate() {
        let (kx, ky, kz, c) = (p % kw, p / kw % kh, p / (kw * kh) % kd, p / (kw * kh * kd));
        *o = (c * id * ih * iw + (kz * dd * ih + ky * dh) * iw + kx * dw) as u32;
    }
}

/// The first input coordinate each output column of a panel reads, per axis (may be
/// negative: padding), and how many columns of the panel are real.
struct Columns {
    origin: [[isize; 3]; NR],
    width: usize,
    /// All columns lie in one output row, so they differ only along x by the stride.
    one_row: bool,
}

impl Im2col<'_> {
    fn columns(&self, j: usize, width: usize) -> Columns {
        let [_, oh, ow] = self.g.output;
        let mut origin = [[0isize; 3]; NR];
        for (jj, o) in origin.iter_mut().enumerate().take(width) {
            let q = j + jj;
            let out = [q / (ow * oh), q / ow % oh, q % ow];
            for a in 0..3 {
                o[a] = (out[a] * self.g.strides[a]) as isize - self.g.pads[a] as isize;
            }
        }
        Columns {
            origin,
            width,
            one_row: width == NR && j % ow + NR <= ow,
        }
    }

    /// Writes row (c, kz, ky, kx) of the panel's columns into `dst` (NR floats).
    fn row(&self, cols: &Columns, c: usize, k: [usize; 3], dst: &mut [f32]) {
        let [id, ih, iw] = self.g.input;
        let plane = &self.x[c * id * ih * iw..(c + 1) * id * ih * iw];
        let d: [isize; 3] = core::array::from_fn(|a| (k[a] * self.g.dilations[a]) as isize);
        let at = |o: &[isize; 3]| {
            let (z, y, x) = (o[0] + d[0], o[1] + d[1], o[2] + d[2]);
            let inside = z >= 0
                && y >= 0
                && x >= 0
                && (z as usize) < id
                && (y as usize) < ih
                && (x as usize) < iw;
            inside.then(|| (z as usize * ih + y as usize) * iw + x as usize)
        };
        if cols.one_row {
            let sw = self.g.strides[2];
            let first = cols.origin[0][2] + d[2];
            let last = first + ((NR - 1) * sw) as isize;
            if let (Some(start), true) = (at(&cols.origin[0]), last < iw as isize) {
                if sw == 1 {
                    dst.copy_from_slice(&plane[start..start + NR]);
                } else {
                    for (jj, v) in dst.iter_mut().enumerate() {
                        *v = plane[start + jj * sw];
                    }
                }
                return;
            }
        }
        for (jj, v) in dst.iter_mut().enumerate() {
            *v = if jj < cols.width {
                at(&cols.origin[jj]).map_or(0.0, |i| plane[i])
            } else {
                0.0
            };
        }
    }
}

impl PackB for Im2col<'_> {
    fn reads_in_place(&self) -> bool {
        self.g.strides[2] == 1
    }

    /// Panels of NR pixels in one output row whose every tap lies inside the image, at
    /// stride 1 along x, are NR contiguous inputs per row: read through the tap table.
    fn in_place(&self, p0: usize, kc: usize, j: usize) -> Option<InPlace<'_>> {
        let g = self.g;
        let [_, oh, ow] = g.output;
        let out = [j / (ow * oh), j / ow % oh, j % ow];
        if g.strides[2] != 1 || out[2] + NR > ow {
            return None;
        }
        let mut first = [0; 3];
        for a in 0..3 {
            let o = (out[a] * g.strides[a]) as isize - g.pads[a] as isize;
            let width = if a == 2 { NR - 1 } else { 0 };
            let last = o + (width + (g.kernel[a] - 1) * g.dilations[a]) as isize;
            if o < 0 || last >= g.input[a] as isize {
                return None;
            }
            first[a] = o as usize;
        }
        let base = (first[0] * g.input[1] + first[1]) * g.input[2] + first[2];
        Some(InPlace { data: &self.x[base..], offsets: &self.taps[p0..p0 + kc] })
    }

    fn pack(&self, p0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        if kc == 0 {
            return;
        }
        let [kd, kh, kw] = self.g.kernel;
        for (t, panel) in out
            .chunks_exact_mut(kc * NR)
            .take(nc.div_ceil(NR))
            .enumerate()
        {
            let j = j0 + t * NR;
            let cols = self.columns(j, NR.min(j0 + nc - j));
            for (i, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let p = p0 + i;
                let k = [p / (kw * kh) % kd, p / kw % kh, p % kw];
                self.row(&cols, p / (kw * kh * kd), k, dst);
            }
        }
    }
}
