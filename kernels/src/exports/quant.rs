//! Raw exports of the quant kernels. Element types travel as ONNX `TensorProto.DataType`
//! codes; configuration arrays as i32 lists the TS binding documents beside each call.
use super::status::{BAD_ARGS, BAD_TYPE, OK, SHORT_SCRATCH};
use super::{dst, src};
use crate::half::F16;
use crate::quant::cast::{narrow, widen};
use crate::quant::conv::{self, Channels, Geometry, MAX_RANK};
use crate::quant::igemm::{Packed, PackedSizes};
use crate::quant::linear::{dequantize, dynamic_quantize, quantize, Granularity, Grouping};
use crate::quant::matmul::{self, Dims, TABLE_COLUMNS};
use crate::quant::requant::{Factor, Output};

const U8: i32 = 2;
const I8: i32 = 3;
const U16: i32 = 4;
const I16: i32 = 5;
const I32: i32 = 6;
const F16_CODE: i32 = 10;
const F64: i32 = 11;

/// Runs `$body` with `$t` bound to the 8-bit integer type of `$code`.
macro_rules! int8 {
    ($code:expr, $t:ident => $body:expr) => {
        match $code {
            U8 => {
                type $t = u8;
                $body
            }
            I8 => {
                type $t = i8;
                $body
            }
            _ => BAD_TYPE,
        }
    };
}

/// Runs `$body` with `$t` bound to the quantized integer type of `$code` (8 or 16 bits,
/// and int32 where `i32` is given).
macro_rules! qint {
    ($code:expr, $t:ident => $body:expr) => {
        match $code {
            U16 => {
                type $t = u16;
                $body
            }
            I16 => {
                type $t = i16;
                $body
            }
            c => int8!(c, $t => $body),
        }
    };
    ($code:expr, $t:ident => $body:expr, i32) => {
        match $code {
            I32 => {
                type $t = i32;
                $body
            }
            c => qint!(c, $t => $body),
        }
    };
}

/// Non-negative i32 configuration values as usize; None if any is negative.
fn sizes<const N: usize>(cfg: &[i32]) -> Option<[usize; N]> {
    let mut out = [0; N];
    for (o, &v) in out.iter_mut().zip(cfg) {
        *o = usize::try_from(v).ok()?;
    }
    Some(out)
}

/// # Safety
/// `src` holds `n` elements of type `code` (float16, float64 or int32); `dst` holds `n` f32.
#[no_mangle]
pub unsafe extern "C" fn quant_cast_to_f32(s: *const u8, code: i32, d: *mut f32, n: usize) -> i32 {
    // SAFETY: lengths come from the caller's tensor sizes; `d` is a separate scratch buffer.
    unsafe {
        let out = dst(d, n);
        match code {
            F16_CODE => widen(src(s as *const F16, n), out),
            F64 => widen(src(s as *const f64, n), out),
            I32 => widen(src(s as *const i32, n), out),
            _ => return BAD_TYPE,
        }
    }
    OK
}

/// # Safety
/// `s` holds `n` f32; `d` holds `n` elements of type `code` (float16 or float64).
#[no_mangle]
pub unsafe extern "C" fn quant_cast_from_f32(
    s: *const f32,
    d: *mut u8,
    code: i32,
    n: usize,
) -> i32 {
    // SAFETY: lengths come from the caller's tensor sizes; `s` is a separate scratch buffer.
    unsafe {
        let input = src(s, n);
        match code {
            F16_CODE => narrow(input, dst(d as *mut F16, n)),
            F64 => narrow(input, dst(d as *mut f64, n)),
            _ => return BAD_TYPE,
        }
    }
    OK
}

/// The grouping a quantize configuration describes:
/// `[outer, axis, inner, granularity (0 tensor, 1 axis, 2 blocked), block]`.
fn grouping(cfg: &[i32]) -> Option<Grouping> {
    let [outer, axis, inner, kind, block] = sizes(cfg)?;
    let g = match kind {
        0 => Granularity::PerTensor,
        1 => Granularity::PerAxis,
        2 => Granularity::Blocked(block),
        _ => return None,
    };
    Grouping::new(outer, axis, inner, g)
}

/// # Safety
/// `cfg` holds 7 i32: the [`grouping`] then `has_zero_point` and `half` (divide in float16
/// precision). `x` and `y` (type `y_code`) hold the grouping's elements, `scale` and `zp`
/// (when present, type `y_code`) its scale count.
#[no_mangle]
pub unsafe extern "C" fn quant_quantize_f32(
    x: *const f32,
    scale: *const f32,
    zp: *const u8,
    y: *mut u8,
    y_code: i32,
    cfg: *const i32,
) -> i32 {
    // SAFETY: `cfg` is 7 i32 the binding wrote; the other lengths follow from it.
    unsafe {
        let cfg = src(cfg, 7);
        let Some(g) = grouping(&cfg[..5]) else {
            return BAD_ARGS;
        };
        let (n, ns, half) = (g.len(), g.scales(), cfg[6] != 0);
        let nz = if cfg[5] != 0 { ns } else { 0 };
        let (x, scale) = (src(x, n), src(scale, ns));
        qint!(y_code, Y => {
            quantize::<Y>(x, scale, src(zp as *const Y, nz), dst(y as *mut Y, n), &g, half);
            OK
        })
    }
}

/// # Safety
/// `cfg` holds 6 i32: the [`grouping`] then `has_zero_point`. `x` (type `x_code`) and `y`
/// hold the grouping's elements, `scale` and `zp` (when present, type `x_code`) its scale
/// count.
#[no_mangle]
pub unsafe extern "C" fn quant_dequantize_f32(
    x: *const u8,
    x_code: i32,
    scale: *const f32,
    zp: *const u8,
    y: *mut f32,
    cfg: *const i32,
) -> i32 {
    // SAFETY: `cfg` is 6 i32 the binding wrote; the other lengths follow from it.
    unsafe {
        let cfg = src(cfg, 6);
        let Some(g) = grouping(&cfg[..5]) else {
            return BAD_ARGS;
        };
        let (n, ns) = (g.len(), g.scales());
        let nz = if cfg[5] != 0 { ns } else { 0 };
        let (scale, out) = (src(scale, ns), dst(y, n));
        qint!(x_code, X => {
            dequantize::<X>(src(x as *const X, n), scale, src(zp as *const X, nz), out, &g);
            OK
        }, i32)
    }
}

/// # Safety
/// `x` and `y` hold `n` elements; `scale` and `zp` one each.
#[no_mangle]
pub unsafe extern "C" fn quant_dynamic_u8(
    x: *const f32,
    n: usize,
    y: *mut u8,
    scale: *mut f32,
    zp: *mut u8,
) -> i32 {
    // SAFETY: lengths come from the caller's tensor sizes; outputs are distinct tensors.
    unsafe {
        let (s, z) = dynamic_quantize(src(x, n), dst(y, n));
        dst(scale, 1)[0] = s;
        dst(zp, 1)[0] = z;
    }
    OK
}

/// Pointers and lengths as usize (read unsigned: wasm32 addresses may pass 2 GiB).
fn words<const N: usize>(cfg: &[i32]) -> [usize; N] {
    let mut out = [0; N];
    for (o, &v) in out.iter_mut().zip(cfg) {
        *o = v as u32 as usize;
    }
    out
}

/// Scratch buffers of a packed product, checked against the sizes it needs.
///
/// # Safety
/// `p` points at `[a_ptr, a_len, b_ptr, b_len, acc_ptr, acc_len]` whose buffers are
/// distinct writable scratch.
unsafe fn packed<'a>(p: *const i32, need: &PackedSizes) -> Option<Packed<'a>> {
    // SAFETY: as documented above.
    unsafe {
        let [a, al, b, bl, acc, accl] = words::<6>(src(p, 6));
        let fits = al >= need.a && bl >= need.b && (accl == 0 || accl >= need.acc);
        fits.then(|| Packed {
            a: dst(a as *mut i32, al),
            b: dst(b as *mut i16, bl),
            acc: dst(acc as *mut i32, accl),
        })
    }
}

/// A factor of a product from `[data, data_len, zp, zp_len, zp_per_line, scale, scale_len,
/// scale_per_line]` (absent parts have length 0).
///
/// # Safety
/// Each pointer holds its length of elements of the factor's type (f32 for the scale).
unsafe fn factor<'a, T>(f: *const i32) -> Factor<'a, T> {
    // SAFETY: as documented above.
    unsafe {
        let [data, dl, zp, zl, zpl, scale, sl, spl] = words::<8>(src(f, 8));
        Factor {
            data: src(data as *const T, dl),
            zp: src(zp as *const T, zl),
            zp_per_line: zpl != 0,
            scale: src(scale as *const f32, sl),
            scale_per_line: spl != 0,
        }
    }
}

/// # Safety
/// `a` and `b` describe [`factor`]s of types `a_code` and `b_code`; `dims` is
/// `[m, k, n, batches]`; `table` holds `batches` rows of `TABLE_COLUMNS` i32; `y` holds
/// `batches · m · n` i32; `scratch` describes [`packed`] buffers.
#[no_mangle]
pub unsafe extern "C" fn quant_matmul_integer(
    a: *const i32,
    a_code: i32,
    b: *const i32,
    b_code: i32,
    dims: *const i32,
    table: *const i32,
    scratch: *const i32,
    y: *mut i32,
) -> i32 {
    // SAFETY: every array is one the binding wrote; `product` checks them before use.
    unsafe {
        let Some([m, k, n, batches]) = sizes(src(dims, 4)) else {
            return BAD_ARGS;
        };
        let d = Dims { m, k, n };
        let table = src(table, batches * TABLE_COLUMNS);
        let Some(p) = packed(scratch, &matmul::packed_sizes(d)) else {
            return SHORT_SCRATCH;
        };
        let y = dst(y, batches * m * n);
        int8!(a_code, A => int8!(b_code, B => {
            let (fa, fb) = (factor::<A>(a), factor::<B>(b));
            if !matmul::table_fits(table, d, &fa, &fb) {
                return BAD_ARGS;
            }
            matmul::matmul_integer(&fa, &fb, d, table, p, y);
            OK
        }))
    }
}

/// # Safety
/// As [`quant_matmul_integer`], with scales in the factors (one at least), `y` holding
/// `batches · m · n` elements of `y_code`, `y_zp` one (or null) and `y_scale` one f32.
#[no_mangle]
pub unsafe extern "C" fn quant_qlinear_matmul(
    a: *const i32,
    a_code: i32,
    b: *const i32,
    b_code: i32,
    dims: *const i32,
    table: *const i32,
    scratch: *const i32,
    y: *mut u8,
    y_code: i32,
    y_scale: *const f32,
    y_zp: *const u8,
) -> i32 {
    // SAFETY: every array is one the binding wrote; lengths are checked before use.
    unsafe {
        let Some([m, k, n, batches]) = sizes(src(dims, 4)) else {
            return BAD_ARGS;
        };
        let d = Dims { m, k, n };
        let table = src(table, batches * TABLE_COLUMNS);
        let Some(p) = packed(scratch, &matmul::packed_sizes(d)) else {
            return SHORT_SCRATCH;
        };
        if p.acc.len() < m * n {
            return SHORT_SCRATCH;
        }
        let (scale, nz) = (src(y_scale, 1)[0], usize::from(!y_zp.is_null()));
        int8!(a_code, A => int8!(b_code, B => int8!(y_code, Y => {
            let (fa, fb) = (factor::<A>(a), factor::<B>(b));
            if fa.scale.is_empty() || fb.scale.is_empty() || !matmul::table_fits(table, d, &fa, &fb) {
                return BAD_ARGS;
            }
            let out = Output { scale, zp: src(y_zp as *const Y, nz), data: dst(y as *mut Y, batches * m * n) };
            matmul::qlinear_matmul(&fa, &fb, d, table, p, out);
            OK
        })))
    }
}

/// A convolution's channels and geometry from `[batch, c_in, c_out, group, rank]` followed by
/// `rank` values each of input, kernel, output, strides, start pads and dilations.
struct ConvConfig {
    ch: Channels,
    rank: usize,
    dims: [usize; 6 * MAX_RANK],
}

impl ConvConfig {
    /// # Safety
    /// `p` holds the 5 header values and then `6 · rank` more.
    unsafe fn read(p: *const i32) -> Option<ConvConfig> {
        // SAFETY: as documented above; the rank is checked before the second read.
        let [batch, input, output, group, rank] = sizes(unsafe { src(p, 5) })?;
        if !(1..=MAX_RANK).contains(&rank)
            || group == 0
            || input % group != 0
            || output % group != 0
        {
            return None;
        }
        let mut dims = [0; 6 * MAX_RANK];
        // SAFETY: as documented above.
        let rest: [usize; 6 * MAX_RANK] = sizes(unsafe { &src(p, 5 + 6 * rank)[5..] })?;
        dims[..6 * rank].copy_from_slice(&rest[..6 * rank]);
        // Strides and dilations step through the input: zero would divide by zero.
        if dims[3 * rank..4 * rank].contains(&0) || dims[5 * rank..6 * rank].contains(&0) {
            return None;
        }
        Some(ConvConfig {
            ch: Channels {
                batch,
                input,
                output,
                group,
            },
            rank,
            dims,
        })
    }

    fn geometry(&self) -> Geometry<'_> {
        let (r, d) = (self.rank, &self.dims);
        Geometry {
            input: &d[..r],
            kernel: &d[r..2 * r],
            output: &d[2 * r..3 * r],
            strides: &d[3 * r..4 * r],
            pads: &d[4 * r..5 * r],
            dilations: &d[5 * r..6 * r],
        }
    }

    /// Whether x and w have the sizes the configuration implies, and their zero points
    /// and scales are single values (x) or single or per output channel (w).
    fn fits<X, W>(&self, x: &Factor<X>, w: &Factor<W>) -> bool {
        let (ch, geo) = (&self.ch, self.geometry());
        x.data.len() == ch.batch * ch.input * geo.input_size()
            && w.data.len() == ch.output * ch.input / ch.group * geo.kernel_size()
            && !x.zp_per_line
            && !x.scale_per_line
            && x.params_fit(0, 1)
            && w.params_fit(0, ch.output)
    }

    fn output_len(&self) -> usize {
        self.ch.batch * self.ch.output * self.geometry().output_size()
    }
}

/// # Safety
/// `x` and `w` describe [`factor`]s of types `x_code` and `w_code`; `cfg` a [`ConvConfig`];
/// `scratch` [`packed`] buffers; `y` holds the output's i32.
#[no_mangle]
pub unsafe extern "C" fn quant_conv_integer(
    x: *const i32,
    x_code: i32,
    w: *const i32,
    w_code: i32,
    cfg: *const i32,
    scratch: *const i32,
    y: *mut i32,
) -> i32 {
    // SAFETY: every array is one the binding wrote; sizes are checked before use.
    unsafe {
        let Some(c) = ConvConfig::read(cfg) else {
            return BAD_ARGS;
        };
        let geo = c.geometry();
        let Some(p) = packed(scratch, &conv::packed_sizes(&c.ch, &geo)) else {
            return SHORT_SCRATCH;
        };
        let y = dst(y, c.output_len());
        int8!(x_code, X => int8!(w_code, W => {
            let (fx, fw) = (factor::<X>(x), factor::<W>(w));
            if !c.fits(&fx, &fw) {
                return BAD_ARGS;
            }
            conv::conv_integer(&fx, &fw, &c.ch, &geo, p, y);
            OK
        }))
    }
}

/// # Safety
/// As [`quant_conv_integer`], with scales in the factors, `bias` holding `bias_len` i32 (0
/// or one per output channel), `y` the output's elements of `y_code`, `y_zp` one (or null)
/// and `y_scale` one f32.
#[no_mangle]
pub unsafe extern "C" fn quant_qlinear_conv(
    x: *const i32,
    x_code: i32,
    w: *const i32,
    w_code: i32,
    cfg: *const i32,
    scratch: *const i32,
    bias: *const i32,
    bias_len: usize,
    y: *mut u8,
    y_code: i32,
    y_scale: *const f32,
    y_zp: *const u8,
) -> i32 {
    // SAFETY: every array is one the binding wrote; sizes are checked before use.
    unsafe {
        let Some(c) = ConvConfig::read(cfg) else {
            return BAD_ARGS;
        };
        let geo = c.geometry();
        let Some(p) = packed(scratch, &conv::packed_sizes(&c.ch, &geo)) else {
            return SHORT_SCRATCH;
        };
        if p.acc.len() < c.ch.output * geo.output_size() {
            return SHORT_SCRATCH;
        }
        if bias_len != 0 && bias_len != c.ch.output {
            return BAD_ARGS;
        }
        let (scale, nz, bias) = (
            src(y_scale, 1)[0],
            usize::from(!y_zp.is_null()),
            src(bias, bias_len),
        );
        int8!(x_code, X => int8!(w_code, W => int8!(y_code, Y => {
            let (fx, fw) = (factor::<X>(x), factor::<W>(w));
            if fx.scale.is_empty() || fw.scale.is_empty() || !c.fits(&fx, &fw) {
                return BAD_ARGS;
            }
            let out = Output { scale, zp: src(y_zp as *const Y, nz), data: dst(y as *mut Y, c.output_len()) };
            conv::qlinear_conv(&fx, &fw, bias, &c.ch, &geo, p, out);
            OK
        })))
    }
}
