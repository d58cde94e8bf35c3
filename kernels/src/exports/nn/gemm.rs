//! Raw exports of the GEMM kernels (MatMul, Gemm).
use super::{sizes, write_len, BAD_ACTIVATION, BAD_ARGS, SHORT_SCRATCH};
use crate::exports::{dst, src, OK};
use crate::gemm::reference::{self, Elem, Scale};
use crate::gemm::{self, Activation, Bias, Epilogue, Mat, Out, PackB, Panels, Shape};

/// A batched GEMM call decoded from its i32 descriptor
/// `[m, k, n, a_rs, a_cs, b_rs, b_cs, c_rs, c_cs, y_rs, (a_offset, b_offset) × batch]`:
/// batch i multiplies A at `a_offset` by B at `b_offset` into output block i, m rows of n
/// at row stride `y_rs` (at least n; more when the call writes a band of columns of a
/// wider output), block i starting at `i · m · y_rs`.
struct GemmCall<'a> {
    shape: Shape,
    strides: [usize; 6],
    y_rs: usize,
    offsets: &'a [i32],
}

impl<'a> GemmCall<'a> {
    fn decode(d: &'a [i32]) -> Option<Self> {
        let [m, k, n, a_rs, a_cs, b_rs, b_cs, c_rs, c_cs, y_rs] = sizes::<10>(d)?;
        let offsets = &d[10..];
        if offsets.len() % 2 != 0 || offsets.iter().any(|&o| o < 0) || y_rs < n {
            return None;
        }
        Some(GemmCall {
            shape: Shape { m, k, n },
            strides: [a_rs, a_cs, b_rs, b_cs, c_rs, c_cs],
            y_rs,
            offsets,
        })
    }

    fn batch(&self) -> usize {
        self.offsets.len() / 2
    }

    /// Whether an output of `len` elements holds every batch's block (the last row needs
    /// only its n elements).
    fn fits_output(&self, len: usize) -> bool {
        let s = self.shape;
        let rows = super::product(&[self.batch(), s.m]);
        match rows {
            Some(0) => true,
            Some(r) => (r - 1)
                .checked_mul(self.y_rs)
                .and_then(|e| e.checked_add(s.n))
                .is_some_and(|e| e <= len),
            None => false,
        }
    }

    /// Output block `i` of `y`: its rows from the first element, at stride `y_rs`.
    fn output<'t, T>(&self, i: usize, y: &'t mut [T]) -> &'t mut [T] {
        let s = self.shape;
        let start = i * s.m * self.y_rs;
        let end = (start + s.m * self.y_rs).min(y.len());
        &mut y[start..end]
    }

    /// The A and B views of batch `i`, or None when one leaves its buffer.
    fn operands<'t, T>(
        &self,
        i: usize,
        a: &'t [T],
        b: &'t [T],
    ) -> Option<(Mat<'t, T>, Mat<'t, T>)> {
        Some((self.left(i, a)?, self.right(i, b)?))
    }

    /// The A view of batch `i`, or None when it leaves its buffer.
    fn left<'t, T>(&self, i: usize, a: &'t [T]) -> Option<Mat<'t, T>> {
        let [a_rs, a_cs, ..] = self.strides;
        let a = Mat {
            data: a.get(self.offsets[2 * i] as usize..)?,
            rs: a_rs,
            cs: a_cs,
        };
        a.covers(self.shape.m, self.shape.k).then_some(a)
    }

    /// The B view of batch `i`, or None when it leaves its buffer.
    fn right<'t, T>(&self, i: usize, b: &'t [T]) -> Option<Mat<'t, T>> {
        let [_, _, b_rs, b_cs, ..] = self.strides;
        let b = Mat {
            data: b.get(self.offsets[2 * i + 1] as usize..)?,
            rs: b_rs,
            cs: b_cs,
        };
        b.covers(self.shape.k, self.shape.n).then_some(b)
    }

    /// The addend view, or None when it does not cover the output.
    fn addend<'t, T>(&self, c: &'t [T]) -> Option<Option<Mat<'t, T>>> {
        if c.is_empty() {
            return Some(None);
        }
        let [.., c_rs, c_cs] = self.strides;
        let view = Mat {
            data: c,
            rs: c_rs,
            cs: c_cs,
        };
        view.covers(self.shape.m, self.shape.n)
            .then_some(Some(view))
    }
}

/// Defines an f32 GEMM export over [`gemm_with`], its right operand coming as `$right`
/// says; the two differ only in that.
macro_rules! gemm_f32_export {
    ($(#[$doc:meta])* $name:ident, $right:expr) => {
        $(#[$doc])*
        #[no_mangle]
        #[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer, length and scalar.
        pub unsafe extern "C" fn $name(
            desc: *const i32,
            desc_len: usize,
            a: *const f32,
            a_len: usize,
            b: *const f32,
            b_len: usize,
            c: *const f32,
            c_len: usize,
            y: *mut f32,
            y_len: usize,
            alpha: f32,
            beta: f32,
            act: i32,
            act_p0: f32,
            act_p1: f32,
            scratch: *mut f32,
            scratch_len: usize,
        ) -> i32 {
            // SAFETY: forwarded from this export's contract.
            unsafe {
                gemm_with(
                    $right,
                    (desc, desc_len),
                    [(a, a_len), (b, b_len), (c, c_len)],
                    (y, y_len),
                    (alpha, beta),
                    (act, act_p0, act_p1),
                    (scratch, scratch_len),
                )
            }
        }
    };
}

gemm_f32_export!(
    /// # Safety
    /// `desc` holds `desc_len` i32; `a`, `b`, `c`, `y` and `scratch` hold the given counts
    /// of f32; `y` and `scratch` alias nothing else. `c_len` 0 means no addend.
    gemm_f32,
    Right::Plain
);

gemm_f32_export!(
    /// [`gemm_f32`] over a B that [`gemm_pack_b_f32`] packed (one batch).
    ///
    /// # Safety
    /// As for [`gemm_f32`], `b` holding the packed panels.
    gemm_packed_b_f32,
    Right::Packed
);

/// How the GEMM's right operand comes: as the call's strides say, or packed once by
/// [`gemm_pack_b_f32`] into NR-column panels.
#[derive(Clone, Copy)]
enum Right {
    Plain,
    Packed,
}

/// The body of [`gemm_f32`] and [`gemm_packed_b_f32`].
///
/// # Safety
/// As for [`gemm_f32`]: each pair is a pointer and its count.
unsafe fn gemm_with(
    right: Right,
    desc: (*const i32, usize),
    [a, b, c]: [(*const f32, usize); 3],
    y: (*mut f32, usize),
    (alpha, beta): (f32, f32),
    (act, act_p0, act_p1): (i32, f32, f32),
    scratch: (*mut f32, usize),
) -> i32 {
    // SAFETY: pointers and lengths come from the caller's tensors and scratch, per the
    // contract above; only `y` and `scratch` are written.
    let (desc, a, b, c, y, scratch) = unsafe {
        (
            src(desc.0, desc.1),
            src(a.0, a.1),
            src(b.0, b.1),
            src(c.0, c.1),
            dst(y.0, y.1),
            dst(scratch.0, scratch.1),
        )
    };
    let Some(act) = Activation::from_code(act, act_p0, act_p1) else {
        return BAD_ACTIVATION;
    };
    let Some(call) = GemmCall::decode(desc) else {
        return BAD_ARGS;
    };
    let Some(addend) = call.addend(c) else {
        return BAD_ARGS;
    };
    let bias = addend.map(|v| Bias {
        data: v.data,
        rs: v.rs,
        cs: v.cs,
    });
    let epi = Epilogue {
        alpha,
        beta,
        bias,
        act,
    };
    if !call.fits_output(y.len()) {
        return BAD_ARGS;
    }
    if scratch.len() < call.shape.scratch_len() {
        return SHORT_SCRATCH;
    }
    match right {
        Right::Plain => gemm_batches(&call, a, b, y, &epi, scratch),
        Right::Packed => gemm_panels(&call, a, b, y, &epi, scratch),
    }
}

/// Each batch's product; `y` and `scratch` already checked to fit.
fn gemm_batches(
    call: &GemmCall,
    a: &[f32],
    b: &[f32],
    y: &mut [f32],
    epi: &Epilogue,
    scratch: &mut [f32],
) -> i32 {
    for i in 0..call.batch() {
        let Some((av, bv)) = call.operands(i, a, b) else {
            return BAD_ARGS;
        };
        let mut out = Out {
            data: call.output(i, y),
            ldc: call.y_rs,
        };
        gemm::gemm(call.shape, &av, &bv, &mut out, epi, scratch);
    }
    OK
}

/// One product over B packed into panels (see [`gemm_pack_b_f32`]); `y` and `scratch`
/// already checked to fit.
fn gemm_panels(
    call: &GemmCall,
    a: &[f32],
    b: &[f32],
    y: &mut [f32],
    epi: &Epilogue,
    scratch: &mut [f32],
) -> i32 {
    let s = call.shape;
    if call.batch() != 1 || b.len() != packed_b_len(s) {
        return BAD_ARGS;
    }
    let Some(av) = call.left(0, a) else {
        return BAD_ARGS;
    };
    let mut out = Out {
        data: call.output(0, y),
        ldc: call.y_rs,
    };
    gemm::gemm(s, &av, &Panels { data: b, k: s.k }, &mut out, epi, scratch);
    OK
}

/// Floats of a k×n right operand packed into NR-column panels.
fn packed_b_len(s: Shape) -> usize {
    s.n.next_multiple_of(gemm::NR) * s.k
}

/// Packs the right operand of a one-batch GEMM call (`desc` as for [`gemm_f32`]) into
/// NR-column panels for [`gemm_packed_b_f32`]: once, for every later call with that B.
///
/// # Safety
/// `desc` holds `desc_len` i32; `b` holds `b_len` f32; `out` holds `out_len` writable f32
/// aliasing nothing else.
#[no_mangle]
pub unsafe extern "C" fn gemm_pack_b_f32(
    desc: *const i32,
    desc_len: usize,
    b: *const f32,
    b_len: usize,
    out: *mut f32,
    out_len: usize,
) -> i32 {
    // SAFETY: per this export's contract.
    let (desc, b) = unsafe { (src(desc, desc_len), src(b, b_len)) };
    let Some(call) = GemmCall::decode(desc) else {
        return BAD_ARGS;
    };
    let s = call.shape;
    if call.batch() != 1 || out_len != packed_b_len(s) {
        return BAD_ARGS;
    }
    let Some(bv) = call.right(0, b) else {
        return BAD_ARGS;
    };
    // SAFETY: per this export's contract.
    bv.pack(0, s.k, 0, s.n, unsafe { dst(out, out_len) });
    OK
}

/// Writes the f32 scratch count `gemm_f32` needs for an m×k by k×n product into `*out`.
///
/// # Safety
/// `out` points at one writable i32.
#[no_mangle]
pub unsafe extern "C" fn gemm_scratch_f32(m: usize, k: usize, n: usize, out: *mut i32) -> i32 {
    // SAFETY: forwarded from this export's contract.
    unsafe { write_len(out, Shape { m, k, n }.scratch_len()) }
}

/// The reference GEMM behind the f64 and integer exports.
///
/// # Safety
/// As for [`gemm_f32`], with elements of `T`.
#[allow(clippy::too_many_arguments)] // Mirrors the exports' C ABI.
unsafe fn gemm_ref<T: Elem>(
    desc: (*const i32, usize),
    a: (*const T, usize),
    b: (*const T, usize),
    c: (*const T, usize),
    y: (*mut T, usize),
    alpha: f64,
    beta: f64,
) -> i32 {
    // SAFETY: forwarded from the export's contract.
    let (desc, a, b, c, y) = unsafe {
        (
            src(desc.0, desc.1),
            src(a.0, a.1),
            src(b.0, b.1),
            src(c.0, c.1),
            dst(y.0, y.1),
        )
    };
    let Some(call) = GemmCall::decode(desc) else {
        return BAD_ARGS;
    };
    let Some(addend) = call.addend(c) else {
        return BAD_ARGS;
    };
    let s = call.shape;
    if !call.fits_output(y.len()) {
        return BAD_ARGS;
    }
    let scale = Scale {
        alpha: T::from_f64(alpha),
        beta: T::from_f64(beta),
        c: addend,
    };
    for i in 0..call.batch() {
        let Some((av, bv)) = call.operands(i, a, b) else {
            return BAD_ARGS;
        };
        reference::gemm(s, &av, &bv, call.output(i, y), call.y_rs, &scale);
    }
    OK
}

macro_rules! gemm_ref_export {
    ($name:ident, $t:ty) => {
        /// The batched GEMM of [`gemm_f32`] for this element type, without activation.
        ///
        /// # Safety
        /// As for [`gemm_f32`], with elements of this type.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)] // A C ABI: one argument per buffer and length.
        pub unsafe extern "C" fn $name(
            desc: *const i32,
            desc_len: usize,
            a: *const $t,
            a_len: usize,
            b: *const $t,
            b_len: usize,
            c: *const $t,
            c_len: usize,
            y: *mut $t,
            y_len: usize,
            alpha: f64,
            beta: f64,
        ) -> i32 {
            // SAFETY: the caller upholds this export's contract, which is gemm_ref's.
            unsafe {
                gemm_ref::<$t>(
                    (desc, desc_len),
                    (a, a_len),
                    (b, b_len),
                    (c, c_len),
                    (y, y_len),
                    alpha,
                    beta,
                )
            }
        }
    };
}

gemm_ref_export!(gemm_f64, f64);
gemm_ref_export!(gemm_i32, i32);
gemm_ref_export!(gemm_i64, i64);

/// Runs [`gemm::peak_probe`] for `rounds` rounds and writes its result, then the flops it
/// does per round, to `out`; benches time it to find this core's SIMD peak.
///
/// # Safety
/// `out` points at two writable f32.
#[no_mangle]
pub unsafe extern "C" fn simd_peak_probe_f32(rounds: usize, out: *mut f32) -> i32 {
    // SAFETY: per this export's contract.
    let out = unsafe { dst(out, 2) };
    out[0] = gemm::peak_probe(rounds);
    out[1] = gemm::PROBE_FLOPS_PER_ROUND as f32;
    OK
}
