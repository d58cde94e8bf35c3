//! Raw exports of the convolution kernels (Conv, ConvTranspose).
use super::{product, sizes, write_len, BAD_ACTIVATION, BAD_ARGS, SHORT_SCRATCH};
use crate::conv::{self, ConvGeom, ConvScratch};
use crate::exports::{dst, src, OK};
use crate::gemm::Activation;

/// Decodes `[batch, cin, cout, group, input×3, output×3, kernel×3, strides×3,
/// dilations×3, pads×3]` (spatial axes depth, height, width; absent ones 1, pads 0),
/// optionally followed by the part `[p0, p1)` a thread computes: output rows of a 2-D Conv,
/// output channels of an ungrouped ConvTranspose (the whole output when absent).
fn geom(d: &[i32]) -> Option<(ConvGeom, Option<[usize; 2]>)> {
    let v = sizes::<22>(d)?;
    let three = |i: usize| [v[i], v[i + 1], v[i + 2]];
    let g = ConvGeom {
        batch: v[0],
        cin: v[1],
        cout: v[2],
        group: v[3],
        input: three(4),
        output: three(7),
        kernel: three(10),
        strides: three(13),
        dilations: three(16),
        pads: three(19),
        rows: [0, v[8]],
        channels: [0, v[2]],
    };
    let part = match d.get(22..24) {
        None => None,
        Some(p) => Some(sizes::<2>(p).filter(|[p0, p1]| p0 < p1)?),
    };
    let positive = v[..19].iter().all(|&x| x > 0);
    (positive && g.cin % g.group == 0 && g.cout % g.group == 0).then_some((g, part))
}

/// `g` computing only output rows `part` (2-D convolutions).
fn with_rows(g: ConvGeom, part: Option<[usize; 2]>) -> Option<ConvGeom> {
    match part {
        None => Some(g),
        Some(rows) => {
            (g.output[0] == 1 && rows[1] <= g.output[1]).then_some(ConvGeom { rows, ..g })
        }
    }
}

/// `g` computing only output channels `part` (ungrouped transposed convolutions).
fn with_channels(g: ConvGeom, part: Option<[usize; 2]>) -> Option<ConvGeom> {
    match part {
        None => Some(g),
        Some(channels) => {
            (g.group == 1 && channels[1] <= g.cout).then_some(ConvGeom { channels, ..g })
        }
    }
}

/// Element counts of X, W and Y; W is [wrows, wcols/group, kernel...].
fn lengths(g: &ConvGeom, wrows: usize, wcols: usize) -> Option<[usize; 3]> {
    let x = product(&[g.batch, g.cin, product(&g.input)?])?;
    let w = product(&[wrows, wcols / g.group, product(&g.kernel)?])?;
    let y = product(&[g.batch, g.cout, product(&g.output)?])?;
    Some([x, w, y])
}

/// # Safety
/// `desc` holds `desc_len` i32 (see [`geom`]); `x`, `w`, `bias` (`bias_len` 0: none) hold
/// the given f32 counts; `y` and `scratch` are writable and alias nothing else.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer, length and scalar.
pub unsafe extern "C" fn conv_f32(
    desc: *const i32,
    desc_len: usize,
    x: *const f32,
    x_len: usize,
    w: *const f32,
    w_len: usize,
    bias: *const f32,
    bias_len: usize,
    y: *mut f32,
    y_len: usize,
    act: i32,
    act_p0: f32,
    act_p1: f32,
    scratch: *mut f32,
    scratch_len: usize,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors.
    let (desc, x, w, bias) = unsafe {
        (
            src(desc, desc_len),
            src(x, x_len),
            src(w, w_len),
            src(bias, bias_len),
        )
    };
    let Some(act) = Activation::from_code(act, act_p0, act_p1) else {
        return BAD_ACTIVATION;
    };
    let Some(g) = geom(desc).and_then(|(g, part)| with_rows(g, part)) else {
        return BAD_ARGS;
    };
    if lengths(&g, g.cout, g.cin) != Some([x.len(), w.len(), y_len])
        || !(bias.is_empty() || bias.len() == g.cout)
    {
        return BAD_ARGS;
    }
    let taps = g.conv_taps_len();
    if scratch_len < g.conv_scratch_len() + taps {
        return SHORT_SCRATCH;
    }
    // SAFETY: `y` and `scratch` are the caller's exclusive buffers; the tap table takes
    // the first `taps` 4-byte slots of scratch (u32 and f32 share size and alignment) and
    // the GEMM the rest, so the two slices do not overlap.
    let (y, taps, scratch) = unsafe {
        (
            dst(y, y_len),
            dst(scratch as *mut u32, taps),
            dst(scratch.add(taps), scratch_len - taps),
        )
    };
    conv::conv(
        &g,
        x,
        w,
        (!bias.is_empty()).then_some(bias),
        y,
        act,
        ConvScratch {
            gemm: scratch,
            taps,
        },
    );
    OK
}

/// # Safety
/// As for [`conv_f32`], with W of shape [cin, cout/group, kernel...] and no activation.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer and length.
pub unsafe extern "C" fn conv_transpose_f32(
    desc: *const i32,
    desc_len: usize,
    x: *const f32,
    x_len: usize,
    w: *const f32,
    w_len: usize,
    bias: *const f32,
    bias_len: usize,
    y: *mut f32,
    y_len: usize,
    scratch: *mut f32,
    scratch_len: usize,
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors and scratch.
    let (desc, x, w, bias, y, scratch) = unsafe {
        (
            src(desc, desc_len),
            src(x, x_len),
            src(w, w_len),
            src(bias, bias_len),
            dst(y, y_len),
            dst(scratch, scratch_len),
        )
    };
    let Some(g) = geom(desc).and_then(|(g, part)| with_channels(g, part)) else {
        return BAD_ARGS;
    };
    if lengths(&g, g.cin, g.cout) != Some([x.len(), w.len(), y.len()])
        || !(bias.is_empty() || bias.len() == g.cout)
    {
        return BAD_ARGS;
    }
    if scratch.len() < g.transpose_scratch_len() {
        return SHORT_SCRATCH;
    }
    conv::conv_transpose(&g, x, w, (!bias.is_empty()).then_some(bias), y, scratch);
    OK
}

/// Writes the f32 scratch count of `conv_f32` (`transpose` 0) or `conv_transpose_f32`
/// (`transpose` 1) into `*out`.
///
/// # Safety
/// `desc` holds `desc_len` i32; `out` points at one writable i32.
#[no_mangle]
pub unsafe extern "C" fn conv_scratch_f32(
    desc: *const i32,
    desc_len: usize,
    transpose: i32,
    out: *mut i32,
) -> i32 {
    // SAFETY: per this export's contract.
    let Some((g, _)) = geom(unsafe { src(desc, desc_len) }) else {
        return BAD_ARGS;
    };
    let len = if transpose != 0 {
        g.transpose_scratch_len()
    } else {
        g.conv_scratch_len() + g.conv_taps_len()
    };
    // SAFETY: per this export's contract.
    unsafe { write_len(out, len) }
}

/// Writes into `*out` the output rows a part of this Conv split by rows (entries 22..24 of
/// its descriptor) must start and end on a multiple of, the last part excepted.
///
/// # Safety
/// `desc` holds `desc_len` i32; `out` points at one writable i32.
#[no_mangle]
pub unsafe extern "C" fn conv_row_unit_f32(
    desc: *const i32,
    desc_len: usize,
    out: *mut i32,
) -> i32 {
    // SAFETY: per this export's contract.
    let Some((g, _)) = geom(unsafe { src(desc, desc_len) }) else {
        return BAD_ARGS;
    };
    // SAFETY: per this export's contract.
    unsafe { write_len(out, g.row_unit()) }
}
