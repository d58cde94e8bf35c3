//! Integer convolution (ConvInteger, and QLinearConv before requantization): per image and
//! group, an im2col of the input packed straight into [`igemm`]'s B layout, times the
//! packed weights.
use super::elem::{zero_point, QInt};
use super::igemm::{b_index, b_len, igemm, pack_a, pairs, Packed, PackedSizes};
use super::requant::{requantize, Factor, Output, Scales};

/// Most spatial dimensions a convolution may have.
pub const MAX_RANK: usize = 8;

/// The spatial geometry of a convolution (one entry per spatial axis).
pub struct Geometry<'a> {
    pub input: &'a [usize],
    pub kernel: &'a [usize],
    pub output: &'a [usize],
    pub strides: &'a [usize],
    /// Padding at the start of each axis.
    pub pads: &'a [usize],
    pub dilations: &'a [usize],
}

impl Geometry<'_> {
    /// Elements of one input channel.
    pub fn input_size(&self) -> usize {
        self.input.iter().product()
    }
    /// Elements of one kernel channel.
    pub fn kernel_size(&self) -> usize {
        self.kernel.iter().product()
    }
    /// Elements of one output channel.
    pub fn output_size(&self) -> usize {
        self.output.iter().product()
    }
}

/// Batch, channels and groups of a convolution.
pub struct Channels {
    pub batch: usize,
    pub input: usize,
    pub output: usize,
    pub group: usize,
}

impl Channels {
    /// Depth of one group's product: its input channels times the kernel size.
    fn depth(&self, geo: &Geometry) -> usize {
        self.input / self.group * geo.kernel_size()
    }
}

/// Sizes of the [`Packed`] scratch: all weights, one group's im2col, one image's sums.
pub fn packed_sizes(ch: &Channels, geo: &Geometry) -> PackedSizes {
    let (depth, os) = (ch.depth(geo), geo.output_size());
    PackedSizes {
        a: ch.output * pairs(depth),
        b: b_len(depth, os),
        acc: ch.output * os,
    }
}

/// ConvInteger: y (`batch × output × output_size`) = conv(x - x_zp, w - w_zp); w's lines
/// are its output channels.
pub fn conv_integer<X: QInt, W: QInt>(
    x: &Factor<X>,
    w: &Factor<W>,
    ch: &Channels,
    geo: &Geometry,
    packed: Packed,
    y: &mut [i32],
) {
    pack_a(
        w.data,
        ch.output,
        ch.depth(geo),
        w.zp,
        w.zp_step(),
        packed.a,
    );
    for (n, acc) in y
        .chunks_exact_mut(ch.output * geo.output_size())
        .enumerate()
    {
        conv_image(x, n, packed.a, ch, geo, packed.b, acc);
    }
}

/// QLinearConv: [`conv_integer`] per image into `packed.acc`, plus the int32 `bias` per
/// output channel (empty when absent), requantized into y.
pub fn qlinear_conv<X: QInt, W: QInt, Y: QInt>(
    x: &Factor<X>,
    w: &Factor<W>,
    bias: &[i32],
    ch: &Channels,
    geo: &Geometry,
    packed: Packed,
    y: Output<Y>,
) {
    let os = geo.output_size();
    pack_a(
        w.data,
        ch.output,
        ch.depth(geo),
        w.zp,
        w.zp_step(),
        packed.a,
    );
    let scales = Scales {
        a: x.scale,
        a_step: 0,
        b: w.scale,
        b_row_step: w.scale_step(),
        b_col_step: 0,
        y: y.scale,
    };
    let y_zp = zero_point(y.zp, 0);
    for (n, out) in y.data.chunks_exact_mut(ch.output * os).enumerate() {
        conv_image(x, n, packed.a, ch, geo, packed.b, packed.acc);
        for (m, &b) in bias.iter().enumerate() {
            for v in &mut packed.acc[m * os..(m + 1) * os] {
                *v = v.wrapping_add(b);
            }
        }
        requantize(packed.acc, ch.output, os, &scales, y_zp, out);
    }
}

/// Image `n`, every group: acc (`output × output_size`) = W_g · im2col(x_g).
fn conv_image<X: QInt>(
    x: &Factor<X>,
    n: usize,
    weights: &[i32],
    ch: &Channels,
    geo: &Geometry,
    columns: &mut [i16],
    acc: &mut [i32],
) {
    let (cg, mg) = (ch.input / ch.group, ch.output / ch.group);
    let (is, os) = (geo.input_size(), geo.output_size());
    let kp = pairs(ch.depth(geo));
    let img = &x.data[n * ch.input * is..(n + 1) * ch.input * is];
    for g in 0..ch.group {
        im2col(
            &img[g * cg * is..(g + 1) * cg * is],
            zero_point(x.zp, 0),
            cg,
            geo,
            columns,
        );
        let w = &weights[g * mg * kp..(g + 1) * mg * kp];
        igemm(
            mg,
            os,
            kp,
            w,
            columns,
            &mut acc[g * mg * os..(g + 1) * mg * os],
        );
    }
}

/// Unfolds `channels` input channels into rows `c · kernel_size + kernel_offset` of
/// [`igemm`]'s packed B, zero point subtracted (so padding is 0).
fn im2col<X: QInt>(x: &[X], zp: i32, channels: usize, geo: &Geometry, dst: &mut [i16]) {
    let (is, ks, os) = (geo.input_size(), geo.kernel_size(), geo.output_size());
    let (rank, kp) = (geo.kernel.len(), pairs(channels * ks));
    dst[..b_len(channels * ks, os)].fill(0);
    let mut kpos = [0usize; MAX_RANK];
    for kidx in 0..ks {
        for c in 0..channels {
            let row = c * ks + kidx;
            let chan = &x[c * is..(c + 1) * is];
            unfold_row(chan, geo, &kpos[..rank], |p, v| {
                dst[b_index(kp, row, p)] = (v.to_i32() - zp) as i16;
            });
        }
        advance(&mut kpos[..rank], geo.kernel);
    }
}

/// Calls `put(p, value)` for every output position p whose read through kernel offset
/// `kpos` lands inside the input (the others read padding).
fn unfold_row<X: QInt>(chan: &[X], geo: &Geometry, kpos: &[usize], mut put: impl FnMut(usize, X)) {
    let last = kpos.len() - 1;
    let (width, stride) = (geo.output[last], geo.strides[last]);
    let shift = (kpos[last] * geo.dilations[last]) as isize - geo.pads[last] as isize;
    // Output columns [lo, hi) read inside the input row.
    let lo = if shift < 0 {
        (-shift as usize).div_ceil(stride).min(width)
    } else {
        0
    };
    let inside = geo.input[last] as isize - shift;
    let hi = if inside > 0 {
        (inside as usize).div_ceil(stride).clamp(lo, width)
    } else {
        lo
    };
    let mut opos = [0usize; MAX_RANK];
    for line in 0..geo.output_size() / width.max(1) {
        if let Some(base) = outer_offset(geo, kpos, &opos[..last]) {
            for o in lo..hi {
                put(
                    line * width + o,
                    chan[(base as isize + (o * stride) as isize + shift) as usize],
                );
            }
        }
        advance(&mut opos[..last], &geo.output[..last]);
    }
}

/// Offset of the input row that outer output position `opos` reads through kernel offset
/// `kpos`; None when it lies in padding.
fn outer_offset(geo: &Geometry, kpos: &[usize], opos: &[usize]) -> Option<usize> {
    let mut offset = 0;
    for (d, &o) in opos.iter().enumerate() {
        let i = (o * geo.strides[d] + kpos[d] * geo.dilations[d]) as isize - geo.pads[d] as isize;
        if !(0..geo.input[d] as isize).contains(&i) {
            return None;
        }
        offset = offset * geo.input[d] + i as usize;
    }
    Some(offset * geo.input[opos.len()])
}

/// Steps a row-major multi-index through `dims`.
fn advance(pos: &mut [usize], dims: &[usize]) {
    for d in (0..pos.len()).rev() {
        pos[d] += 1;
        if pos[d] < dims[d] {
            return;
        }
        pos[d] = 0;
    }
}
