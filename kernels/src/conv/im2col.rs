//! Implicit im2col: the Conv GEMM's right operand, row (channel, kz, ky, kx) by column
//! (output pixel), packed straight from the image without materializing the matrix.
use super::ConvGeom;
use crate::gemm::{InPlace, PackB, NR};
use crate::simd::{copy, load, store};
use core::arch::wasm32::*;

/// One group's input channels seen as the (cin/g · kernel) × (output pixels) matrix.
pub struct Im2col<'a> {
    g: &'a ConvGeom,
    x: &'a [f32],
    /// Per row (channel, kz, ky, kx): its offset from the pixel tap 0 reads.
    taps: &'a [u32],
    /// The output pixel of column 0 (columns start there when threads split by rows).
    j0: usize,
}

impl<'a> Im2col<'a> {
    /// The matrix over `x`, the group's `cin/group` input planes; `taps` as filled by
    /// [`tap_offsets`]; column 0 is output pixel `j0`.
    pub fn new(g: &'a ConvGeom, x: &'a [f32], taps: &'a [u32], j0: usize) -> Self {
        Im2col { g, x, taps, j0 }
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
}

/// Walks the im2col rows p0.. in order, tracking the kernel tap (kz, ky, kx) and channel.
struct Taps {
    kernel: [usize; 3],
    /// Channel, then kz, ky, kx.
    at: [usize; 4],
}

impl Taps {
    fn new(kernel: [usize; 3], p: usize) -> Self {
        let [kd, kh, kw] = kernel;
        Taps {
            kernel,
            at: [p / (kw * kh * kd), p / (kw * kh) % kd, p / kw % kh, p % kw],
        }
    }

    fn advance(&mut self) {
        for a in (1..4).rev() {
            self.at[a] += 1;
            if self.at[a] < self.kernel[a - 1] {
                return;
            }
            self.at[a] = 0;
        }
        self.at[0] += 1;
    }
}

impl Im2col<'_> {
    fn columns(&self, j: usize, width: usize) -> Columns {
        let [_, oh, ow] = self.g.output;
        let mut origin = [[0isize; 3]; NR];
        for (jj, o) in origin.iter_mut().enumerate().take(width) {
            let q = self.j0 + j + jj;
            let out = [q / (ow * oh), q / ow % oh, q % ow];
            for a in 0..3 {
                o[a] = (out[a] * self.g.strides[a]) as isize - self.g.pads[a] as isize;
            }
        }
        Columns { origin, width }
    }

    /// Packs one panel whose NR columns lie in one output row: per axis the taps inside
    /// the image are a range, and inside it a row is NR inputs at stride sw.
    fn pack_row_panel(&self, cols: &Columns, p0: usize, panel: &mut [f32]) {
        let g = self.g;
        let o = cols.origin[0];
        let sw = g.strides[2];
        let inside = |a: usize, extra: usize| {
            let bound = g.input[a] as isize - extra as isize;
            super::tap_range(g.kernel[a], g.dilations[a], o[a], bound.max(0) as usize)
        };
        let (z, y, x) = (inside(0, 0), inside(1, 0), inside(2, (NR - 1) * sw));
        // Signed: the origin may sit in the padding, the taps in range bring it back in.
        let start = (o[0] * g.input[1] as isize + o[1]) * g.input[2] as isize + o[2];
        let mut taps = Taps::new(g.kernel, p0);
        for (dst, &t) in panel.chunks_exact_mut(NR).zip(&self.taps[p0..]) {
            let [_, kz, ky, kx] = taps.at;
            let rows_in = (z.0..z.1).contains(&kz) && (y.0..y.1).contains(&ky);
            let flat = start + t as isize;
            if rows_in && (x.0..x.1).contains(&kx) {
                copy_strided(&self.x[flat as usize..], sw, dst);
            } else if rows_in {
                // Part of the row lies in the padding: each column checks only its x.
                let x_first = o[2] + (kx * g.dilations[2]) as isize;
                let width = g.input[2] as isize;
                for (jj, d) in dst.iter_mut().enumerate() {
                    let step = (jj * sw) as isize;
                    let inside = (0..width).contains(&(x_first + step));
                    *d = if inside {
                        self.x[(flat + step) as usize]
                    } else {
                        0.0
                    };
                }
            } else {
                dst.fill(0.0);
            }
            taps.advance();
        }
    }

    /// Whether every tap of every column of a panel lies inside the image.
    fn all_inside(&self, cols: &Columns) -> bool {
        let g = self.g;
        cols.origin.iter().all(|o| {
            (0..3).all(|a| {
                let last = o[a] + ((g.kernel[a] - 1) * g.dilations[a]) as isize;
                o[a] >= 0 && last < g.input[a] as isize
            })
        })
    }

    /// Packs a full panel whose columns span output rows, every tap inside the image:
    /// column jj of row p is the input at column jj's first tap plus row p's tap offset.
    /// Output rows of four (or a multiple) are vector copies; others go value by value.
    fn pack_inside(&self, cols: &Columns, first_x: usize, p0: usize, panel: &mut [f32]) {
        let [_, ih, iw] = self.g.input;
        let start: [usize; NR] = core::array::from_fn(|jj| {
            let o = cols.origin[jj];
            (o[0] as usize * ih + o[1] as usize) * iw + o[2] as usize
        });
        let ow = self.g.output[2];
        let rows = self.taps[p0..].iter().zip(panel.chunks_exact_mut(NR));
        if ow % 4 == 0 && first_x % 4 == 0 && self.g.strides[2] == 1 {
            for (&t, row) in rows {
                for (q, dst) in row.chunks_exact_mut(4).enumerate() {
                    store(dst, 0, load(self.x, start[4 * q] + t as usize));
                }
            }
        } else {
            for (&t, row) in rows {
                for (d, &s) in row.iter_mut().zip(&start) {
                    *d = self.x[s + t as usize];
                }
            }
        }
    }

    /// Writes the row at `taps` of the panel's columns into `dst`, checking every column.
    fn gather(&self, cols: &Columns, taps: &Taps, dst: &mut [f32]) {
        let [id, ih, iw] = self.g.input;
        let [c, kz, ky, kx] = taps.at;
        let d = [kz, ky, kx];
        let plane = &self.x[c * id * ih * iw..(c + 1) * id * ih * iw];
        for (jj, v) in dst.iter_mut().enumerate() {
            let mut at = 0;
            let mut inside = jj < cols.width;
            for a in 0..3 {
                let i = cols.origin[jj][a] + (d[a] * self.g.dilations[a]) as isize;
                inside &= i >= 0 && (i as usize) < self.g.input[a];
                at = at * self.g.input[a] + i.max(0) as usize;
            }
            *v = if inside { plane[at] } else { 0.0 };
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
        let j = self.j0 + j;
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
        InPlace::new(&self.x[base..], &self.taps[p0..p0 + kc])
    }

    fn pack(&self, p0: usize, kc: usize, j0: usize, nc: usize, out: &mut [f32]) {
        if kc == 0 {
            return;
        }
        let ow = self.g.output[2];
        for (t, panel) in out
            .chunks_exact_mut(kc * NR)
            .take(nc.div_ceil(NR))
            .enumerate()
        {
            let j = j0 + t * NR;
            let cols = self.columns(j, NR.min(j0 + nc - j));
            if cols.width == NR && (self.j0 + j) % ow + NR <= ow {
                self.pack_row_panel(&cols, p0, panel);
            } else if cols.width == NR && self.all_inside(&cols) {
                self.pack_inside(&cols, (self.j0 + j) % ow, p0, panel);
            } else {
                let mut taps = Taps::new(self.g.kernel, p0);
                for dst in panel.chunks_exact_mut(NR) {
                    self.gather(&cols, &taps, dst);
                    taps.advance();
                }
            }
        }
    }
}

/// dst[i] = src[i · stride] for the NR entries of `dst`.
#[inline(always)]
fn copy_strided(src: &[f32], stride: usize, dst: &mut [f32]) {
    match stride {
        1 => copy(dst, src),
        // Even lanes of consecutive vectors: in bounds when the last tap is not the
        // source's last element, else per element.
        2 if src.len() >= 2 * NR => {
            for (q, d) in dst.chunks_exact_mut(4).enumerate() {
                let v = i32x4_shuffle::<0, 2, 4, 6>(load(src, 8 * q), load(src, 8 * q + 4));
                store(d, 0, v);
            }
        }
        _ => {
            for (i, d) in dst.iter_mut().enumerate() {
                *d = src[i * stride];
            }
        }
    }
}
