//! Convolution and transposed convolution over 1-, 2- and 3-D images, all handled as 3-D
//! (missing leading spatial axes have size 1). Conv runs as a GEMM per group whose right
//! operand is packed straight from the image (implicit im2col; a 1×1 stride-1 kernel reads
//! the image as the matrix itself), except depthwise 2-D kernels, which run directly, and
//! 3×3 stride-1 ones, which run as Winograd F(4×4, 3×3).
//! ConvTranspose is a GEMM into column scratch followed by a scatter-add (col2im).
mod depthwise;
mod im2col;
mod winograd;

use crate::gemm::{self, Activation, Bias, Epilogue, Mat, Out, Shape};
use crate::simd;
use im2col::Im2col;

/// Every size of one convolution, spatial axes as (depth, height, width).
#[derive(Clone, Copy, Debug)]
pub struct ConvGeom {
    pub batch: usize,
    /// Channels of X.
    pub cin: usize,
    /// Channels of Y.
    pub cout: usize,
    pub group: usize,
    /// Spatial sizes of X.
    pub input: [usize; 3],
    /// Spatial sizes of Y.
    pub output: [usize; 3],
    pub kernel: [usize; 3],
    pub strides: [usize; 3],
    pub dilations: [usize; 3],
    /// Padding before each axis (padding after only bounds the output, already given).
    pub pads: [usize; 3],
    /// The output rows (along height) this call computes, `[row0, row1)`: all of them
    /// unless threads split the convolution (2-D only).
    pub rows: [usize; 2],
    /// The output channels a ConvTranspose computes, `[c0, c1)`: all of them unless threads
    /// split it (group 1 only).
    pub channels: [usize; 2],
}

impl ConvGeom {
    pub fn input_size(&self) -> usize {
        self.input.iter().product()
    }

    pub fn output_size(&self) -> usize {
        self.output.iter().product()
    }

    pub fn kernel_size(&self) -> usize {
        self.kernel.iter().product()
    }

    /// The first output pixel of [`ConvGeom::rows`] and how many pixels they hold.
    fn row_pixels(&self) -> (usize, usize) {
        let ow = self.output[2];
        if self.output[0] == 1 {
            (self.rows[0] * ow, (self.rows[1] - self.rows[0]) * ow)
        } else {
            (0, self.output_size())
        }
    }

    /// Whether a Conv with these sizes runs on the direct depthwise kernel.
    fn is_depthwise(&self) -> bool {
        self.group == self.cin
            && self.cout == self.cin
            && self.input[0] == 1
            && self.kernel[0] == 1
            && self.output[0] == 1
            && self.pads[0] == 0
    }

    /// Whether the image itself is the GEMM's right operand (1×1 kernel, stride 1, no pad).
    fn is_pointwise(&self) -> bool {
        self.kernel == [1; 3]
            && self.strides == [1; 3]
            && self.pads == [0; 3]
            && self.input == self.output
    }

    /// The per-group GEMM of a Conv: (cout/g) × (cin/g · kernel) by that × output pixels.
    fn conv_shape(&self) -> Shape {
        Shape {
            m: self.cout / self.group,
            k: self.cin / self.group * self.kernel_size(),
            n: self.output_size(),
        }
    }

    /// The per-group GEMM of a ConvTranspose: (cout/g · kernel) × (cin/g) by that × input pixels.
    fn transpose_shape(&self) -> Shape {
        Shape {
            m: self.cout / self.group * self.kernel_size(),
            k: self.cin / self.group,
            n: self.input_size(),
        }
    }

    /// Floats of scratch [`conv`] needs.
    pub fn conv_scratch_len(&self) -> usize {
        if self.is_depthwise() {
            depthwise::scratch_len(self)
        } else if winograd::applies(self) {
            winograd::scratch_len(self)
        } else if self.pads_image() {
            self.cin * self.padded().input_size() + self.conv_shape().scratch_len()
        } else {
            self.conv_shape().scratch_len()
        }
    }

    /// Whether [`conv`] first copies the image into a zero-bordered buffer: a stride-1 2-D
    /// GEMM convolution that pads, on an image narrow enough that most of its panels reach
    /// into the padding. Those would be packed a column at a time; over the bordered
    /// image every panel is read in place or copied a row at a time.
    fn pads_image(&self) -> bool {
        self.input[0] == 1
            && self.strides == [1; 3]
            && self.pads != [0; 3]
            && (MIN_PADDED_WIDTH..=PADDED_WIDTH).contains(&self.output[2])
            && !self.is_depthwise()
            && !winograd::applies(self)
    }

    /// The same convolution over the zero-bordered image [`ConvGeom::pads_image`] makes:
    /// every tap of every output inside it.
    fn padded(&self) -> ConvGeom {
        ConvGeom {
            input: [1, self.reach(1), self.reach(2)],
            pads: [0; 3],
            ..*self
        }
    }

    /// The input extent the outputs' taps span along axis `a`, from the first padding.
    fn reach(&self, a: usize) -> usize {
        (self.output[a] - 1) * self.strides[a] + (self.kernel[a] - 1) * self.dilations[a] + 1
    }

    /// Output rows a part of this convolution split by rows must be a whole number of:
    /// Winograd's tile height where that kernel runs it, else 1.
    pub fn row_unit(&self) -> usize {
        if winograd::applies(self) {
            winograd::TILE
        } else {
            1
        }
    }

    /// Entries of the tap table [`conv`] needs beside its scratch.
    pub fn conv_taps_len(&self) -> usize {
        if self.is_depthwise() || self.is_pointwise() || winograd::applies(self) {
            0
        } else {
            self.conv_shape().k
        }
    }

    /// Input rows per block of [`conv_transpose`]: enough for about [`COL_BLOCK`] floats
    /// of columns (all rows of a 3-D convolution).
    fn transpose_block_rows(&self) -> usize {
        let (m, [id, ih, iw]) = (self.transpose_shape().m, self.input);
        if id > 1 {
            ih
        } else {
            (COL_BLOCK / (m * iw).max(1)).clamp(1, ih.max(1))
        }
    }

    /// Floats of scratch [`conv_transpose`] needs: the GEMM's packing plus one block's
    /// columns.
    pub fn transpose_scratch_len(&self) -> usize {
        let s = self.transpose_shape();
        s.scratch_len() + s.m * self.input[0] * self.transpose_block_rows() * self.input[2]
    }
}

/// Widest output a padding convolution copies its image for (see
/// [`ConvGeom::pads_image`]): four panels per row.
const PADDED_WIDTH: usize = 32;
/// Narrowest output it copies for: rows of fewer pixels cost more to copy one by one
/// than their panels gain.
const MIN_PADDED_WIDTH: usize = 4;

/// Floats of columns one block of [`conv_transpose`] writes (256 KiB): the GEMM's output
/// stays in L2 until col2im adds it into the image.
const COL_BLOCK: usize = 1 << 16;

/// The indices i in 0..count with 0 <= i·step + offset < bound, as a half-open range.
pub fn tap_range(count: usize, step: usize, offset: isize, bound: usize) -> (usize, usize) {
    let step = step as isize;
    let lo = if offset >= 0 {
        0
    } else {
        (-offset + step - 1) / step
    };
    let last = bound as isize - 1 - offset;
    let hi = if last < 0 {
        0
    } else {
        (last / step + 1).min(count as isize)
    };
    let lo = lo.min(count as isize);
    (lo as usize, hi.max(lo) as usize)
}

/// The two scratch areas of [`conv`], sized by [`ConvGeom::conv_scratch_len`] and
/// [`ConvGeom::conv_taps_len`].
pub struct ConvScratch<'a> {
    pub gemm: &'a mut [f32],
    pub taps: &'a mut [u32],
}

/// y = act(conv(x, w) + bias) for NC(D)HW `x` and `y` and `w` of shape
/// [cout, cin/group, kernel...]. Sizes are checked by the caller.
pub fn conv(
    g: &ConvGeom,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
    act: Activation,
    scratch: ConvScratch,
) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    if g.is_depthwise() {
        depthwise::run(g, x, w, bias, y, act, scratch.gemm);
        return;
    }
    if winograd::applies(g) {
        winograd::conv(g, x, w, bias, y, act, scratch.gemm);
        return;
    }
    if g.pads_image() {
        let p = g.padded();
        let (image, gemm) = scratch.gemm.split_at_mut(g.cin * p.input_size());
        let taps = scratch.taps;
        for (xb, yb) in x
            .chunks_exact(g.cin * in_size)
            .zip(y.chunks_exact_mut(g.cout * out_size))
        {
            pad_image(g, &p, xb, image);
            let scratch = ConvScratch {
                gemm: &mut *gemm,
                taps: &mut *taps,
            };
            gemm_conv(&p, image, w, bias, yb, act, scratch);
        }
    } else {
        gemm_conv(g, x, w, bias, y, act, scratch);
    }
}

/// Copies the input rows the output rows of `g` read into `image`, the zero-bordered
/// image of geometry `p` ([`ConvGeom::padded`]).
fn pad_image(g: &ConvGeom, p: &ConvGeom, x: &[f32], image: &mut [f32]) {
    let [_, h, w] = g.input;
    let [_, hp, wp] = p.input;
    // Only the rows this part's outputs read: other parts copy their own.
    let rows = g.rows[0]..(g.rows[1] + (g.kernel[1] - 1) * g.dilations[1]).min(hp);
    let (left, width) = (g.pads[2].min(wp), w.min(wp.saturating_sub(g.pads[2])));
    for (plane, padded) in x.chunks_exact(h * w).zip(image.chunks_exact_mut(hp * wp)) {
        for r in rows.clone() {
            let dst = &mut padded[r * wp..(r + 1) * wp];
            match usize::try_from(r as isize - g.pads[1] as isize) {
                Ok(src) if src < h => {
                    dst[..left].fill(0.0);
                    simd::copy(&mut dst[left..left + width], &plane[src * w..]);
                    dst[left + width..].fill(0.0);
                }
                _ => dst.fill(0.0),
            }
        }
    }
}

/// [`conv`] as a GEMM per image and group, its right operand the image's patches.
fn gemm_conv(
    g: &ConvGeom,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
    act: Activation,
    scratch: ConvScratch,
) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    let (j0, n) = g.row_pixels();
    let s = Shape {
        n,
        ..g.conv_shape()
    };
    let (cin_g, cout_g) = (g.cin / g.group, g.cout / g.group);
    let ConvScratch {
        gemm: scratch,
        taps,
    } = scratch;
    im2col::tap_offsets(g, taps);
    let taps = &*taps;
    for (xb, yb) in x
        .chunks_exact(g.cin * in_size)
        .zip(y.chunks_exact_mut(g.cout * out_size))
    {
        for grp in 0..g.group {
            let xg = &xb[grp * cin_g * in_size..(grp + 1) * cin_g * in_size];
            let a = Mat {
                data: &w[grp * cout_g * s.k..(grp + 1) * cout_g * s.k],
                rs: s.k,
                cs: 1,
            };
            let bias = bias.map(|b| Bias {
                data: &b[grp * cout_g..],
                rs: 1,
                cs: 0,
            });
            let mut out = Out {
                data: &mut yb[grp * cout_g * out_size + j0..(grp + 1) * cout_g * out_size],
                ldc: out_size,
            };
            let epi = Epilogue::with(bias, act);
            if g.is_pointwise() {
                gemm::gemm(
                    s,
                    &a,
                    &Mat {
                        data: &xg[j0..],
                        rs: in_size,
                        cs: 1,
                    },
                    &mut out,
                    &epi,
                    scratch,
                );
            } else {
                let b = Im2col::new(g, xg, taps, j0);
                gemm::gemm(s, &a, &b, &mut out, &epi, scratch);
            }
        }
    }
}

/// y = conv_transpose(x, w) + bias for NC(D)HW `x` and `y` and `w` of shape
/// [cin, cout/group, kernel...]: every input pixel scatters its kernel-weighted values to
/// output (i·stride - pad + k·dilation). A block of input rows at a time goes through the
/// column scratch. Sizes are checked by the caller.
pub fn conv_transpose(
    g: &ConvGeom,
    x: &[f32],
    w: &[f32],
    bias: Option<&[f32]>,
    y: &mut [f32],
    scratch: &mut [f32],
) {
    let (in_size, out_size) = (g.input_size(), g.output_size());
    let s = g.transpose_shape();
    let (cin_g, cout_g) = (g.cin / g.group, g.cout / g.group);
    let [id, ih, iw] = g.input;
    let block = g.transpose_block_rows();
    let (col, scratch) = scratch.split_at_mut(s.m * id * block * iw);
    // A part of the output channels (all of them when grouped): their rows of each
    // group's GEMM, their planes.
    let [c0, c1] = g.channels;
    let (taps, cout_part) = (g.kernel_size(), (c1 - c0) / g.group);
    let part = Shape {
        m: cout_part * taps,
        ..s
    };
    for (xb, yb) in x
        .chunks_exact(g.cin * in_size)
        .zip(y.chunks_exact_mut(g.cout * out_size))
    {
        let yb = &mut yb[c0 * out_size..c1 * out_size];
        for (c, plane) in yb.chunks_exact_mut(out_size).enumerate() {
            plane.fill(bias.map_or(0.0, |b| b[c0 + c]));
        }
        for grp in 0..g.group {
            let a = Mat {
                data: &w[grp * cin_g * s.m + c0 * taps..(grp + 1) * cin_g * s.m],
                rs: 1,
                cs: s.m,
            };
            let yg = &mut yb[grp * cout_g * out_size..][..cout_part * out_size];
            for r0 in (0..ih).step_by(block) {
                let r1 = (r0 + block).min(ih);
                // Rows r0..r1 of every depth slice: contiguous when depth is 1 (else all).
                let n = id * (r1 - r0) * iw;
                let xg = Mat {
                    data: &xb[grp * cin_g * in_size + r0 * iw..(grp + 1) * cin_g * in_size],
                    rs: in_size,
                    cs: 1,
                };
                let mut out = Out {
                    data: &mut col[..part.m * n],
                    ldc: n,
                };
                gemm::gemm(
                    Shape { n, ..part },
                    &a,
                    &xg,
                    &mut out,
                    &Epilogue::NONE,
                    scratch,
                );
                col2im(g, &col[..part.m * n], (r0, r1), yg);
            }
        }
    }
}

/// Adds each column row (output channel, kernel tap) into the output pixels it reaches;
/// the columns are input rows `iy0..iy1` of each depth slice.
fn col2im(g: &ConvGeom, col: &[f32], (iy0, iy1): (usize, usize), y: &mut [f32]) {
    let [kd, kh, kw] = g.kernel;
    let [id, ih, iw] = g.input;
    let [od, oh, ow] = g.output;
    let [sd, sh, sw] = g.strides;
    let [dd, dh, dw] = g.dilations;
    let [pd, ph, pw] = g.pads;
    let offset = |k: usize, d: usize, p: usize| (k * d) as isize - p as isize;
    let out_size = od * oh * ow;
    let rows = iy1 - iy0;
    for (r, row) in col.chunks_exact(id * rows * iw).enumerate() {
        let (kx, ky, kz, co) = (r % kw, r / kw % kh, r / (kw * kh) % kd, r / (kw * kh * kd));
        let plane = &mut y[co * out_size..(co + 1) * out_size];
        let (oz0, oy0, ox0) = (offset(kz, dd, pd), offset(ky, dh, ph), offset(kx, dw, pw));
        let (z0, z1) = tap_range(id, sd, oz0, od);
        let (y0, y1) = tap_range(ih, sh, oy0, oh);
        let y0 = y0.max(iy0);
        let y1 = y1.min(iy1).max(y0);
        let (x0, x1) = tap_range(iw, sw, ox0, ow);
        for iz in z0..z1 {
            let oz = (iz * sd) as isize + oz0;
            for iy in y0..y1 {
                let oy = (iy * sh) as isize + oy0;
                let out_row = (oz as usize * oh + oy as usize) * ow;
                let in_row = (iz * rows + iy - iy0) * iw;
                for ix in x0..x1 {
                    let ox = ((ix * sw) as isize + ox0) as usize;
                    plane[out_row + ox] += row[in_row + ix];
                }
            }
        }
    }
}
