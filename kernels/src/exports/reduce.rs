//! Raw exports of the reduce kernels: Reduce*, ArgMax/ArgMin, Softmax family, CumSum, TopK,
//! LayerNormalization and Einsum, one export per element type the op takes. float16
//! tensors are widened to f32 by the caller through `reduce_f16_widen`/`_narrow`.
use super::status::{BAD_ARGS, BAD_TYPE, OK, SHORT_SCRATCH};
use super::{dst, src};
use crate::half::{narrow_all, widen_all, F16};
use crate::reduce::*;

/// Element counts of an [outer, n, inner] block and of its reduction, None on overflow.
fn block(outer: usize, n: usize, inner: usize) -> Option<(usize, usize)> {
    let kept = outer.checked_mul(inner)?;
    Some((kept.checked_mul(n)?, kept))
}

/// # Safety
/// `x` holds `n` float16 values, `y` room for `n` f32.
#[no_mangle]
pub unsafe extern "C" fn reduce_f16_widen(x: *const u16, y: *mut f32, n: usize) -> i32 {
    // SAFETY: the caller's tensor and scratch sizes; the two never alias.
    unsafe { widen_all(src(x as *const F16, n), dst(y, n)) };
    OK
}

/// # Safety
/// `x` holds `n` f32, `y` room for `n` float16 values.
#[no_mangle]
pub unsafe extern "C" fn reduce_f16_narrow(x: *const f32, y: *mut u16, n: usize) -> i32 {
    // SAFETY: the caller's scratch and tensor sizes; the two never alias.
    unsafe { narrow_all(src(x, n), dst(y as *mut F16, n)) };
    OK
}

macro_rules! reduce_exports {
    ($($name:ident: $t:ty => $f:expr),* $(,)?) => {$(
        /// # Safety
        /// `x` holds outer·n·inner elements, `y` outer·inner; they do not alias.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            x: *const $t, y: *mut $t, outer: usize, n: usize, inner: usize,
            fold: u32, finish: u32, count: usize,
        ) -> i32 {
            let (Some(fold), Some(finish)) = (Fold::from_code(fold), Finish::from_code(finish, count))
            else {
                return BAD_TYPE;
            };
            let Some((xl, yl)) = block(outer, n, inner) else {
                return BAD_ARGS;
            };
            // SAFETY: lengths are the caller's tensor sizes, checked for overflow above.
            unsafe { $f(src(x, xl), dst(y, yl), [outer, n, inner], fold, finish) };
            OK
        }
    )*};
}

reduce_exports!(
    reduce_f32: f32 => crate::reduce::reduce_f32, reduce_f64: f64 => reduce::<f64>,
    reduce_i8: i8 => reduce::<i8>, reduce_u8: u8 => reduce::<u8>,
    reduce_i16: i16 => reduce::<i16>, reduce_u16: u16 => reduce::<u16>,
    reduce_i32: i32 => reduce::<i32>, reduce_u32: u32 => reduce::<u32>,
    reduce_i64: i64 => reduce::<i64>, reduce_u64: u64 => reduce::<u64>,
    reduce_bool: Bool => reduce::<Bool>,
);

macro_rules! axis_exports {
    ($($arg:ident, $cum:ident: $t:ty => $f:expr),* $(,)?) => {$(
        /// ArgMax (`smallest` 0) or ArgMin (1) along the axis, ties to the first index or,
        /// with `last` 1, the last.
        ///
        /// # Safety
        /// `x` holds outer·n·inner elements, `y` outer·inner i64.
        #[no_mangle]
        pub unsafe extern "C" fn $arg(
            x: *const $t, y: *mut i64, outer: usize, n: usize, inner: usize,
            smallest: u32, last: u32,
        ) -> i32 {
            let Some((xl, yl)) = block(outer, n, inner).filter(|_| n > 0) else {
                return BAD_ARGS;
            };
            // SAFETY: lengths are the caller's tensor sizes, checked for overflow above.
            unsafe {
                $f(src(x, xl), dst(y, yl), [outer, n, inner], smallest != 0, last != 0)
            };
            OK
        }

        /// CumSum along the axis.
        ///
        /// # Safety
        /// `x` and `y` hold outer·n·inner elements each and do not alias.
        #[no_mangle]
        pub unsafe extern "C" fn $cum(
            x: *const $t, y: *mut $t, outer: usize, n: usize, inner: usize,
            exclusive: u32, reverse: u32,
        ) -> i32 {
            let Some((len, _)) = block(outer, n, inner) else { return BAD_ARGS };
            // SAFETY: lengths are the caller's tensor sizes, checked for overflow above.
            unsafe {
                cumsum(src(x, len), dst(y, len), [outer, n, inner], exclusive != 0, reverse != 0)
            };
            OK
        }
    )*};
}

axis_exports!(
    argreduce_f32, cumsum_f32: f32 => arg_reduce_f32,
    argreduce_f64, cumsum_f64: f64 => arg_reduce::<f64>,
    argreduce_i8, cumsum_i8: i8 => arg_reduce::<i8>,
    argreduce_u8, cumsum_u8: u8 => arg_reduce::<u8>,
    argreduce_i16, cumsum_i16: i16 => arg_reduce::<i16>,
    argreduce_u16, cumsum_u16: u16 => arg_reduce::<u16>,
    argreduce_i32, cumsum_i32: i32 => arg_reduce::<i32>,
    argreduce_u32, cumsum_u32: u32 => arg_reduce::<u32>,
    argreduce_i64, cumsum_i64: i64 => arg_reduce::<i64>,
    argreduce_u64, cumsum_u64: u64 => arg_reduce::<u64>,
);

macro_rules! select_exports {
    ($($topk:ident, $einsum:ident: $t:ty),* $(,)?) => {$(
        /// TopK along the axis: `values` and `indices` are [outer, k, inner]; `order`
        /// is scratch for n entries.
        ///
        /// # Safety
        /// Buffers hold the sizes above and do not alias.
        #[no_mangle]
        pub unsafe extern "C" fn $topk(
            x: *const $t, values: *mut $t, indices: *mut i64, outer: usize, n: usize,
            inner: usize, k: usize, largest: u32, order: *mut Entry<$t>,
        ) -> i32 {
            let (Some((xl, _)), Some((yl, _))) = (block(outer, n, inner), block(outer, k, inner))
            else {
                return BAD_ARGS;
            };
            if k > n {
                return BAD_ARGS;
            }
            // SAFETY: lengths are the caller's tensor and scratch sizes, checked above.
            unsafe {
                let mut out =
                    TopK { values: dst(values, yl), indices: dst(indices, yl), k, largest: largest != 0 };
                topk(src(x, xl), [outer, n, inner], &mut out, dst(order, n));
            }
            OK
        }

        /// One einsum step: `rank` loops of `sizes`, operand strides `sa` and `sb`, the
        /// first `outs` loops walking `y`. `b_len` 0 means a single operand (`sb` all 0).
        ///
        /// # Safety
        /// `a`, `b` and `y` hold the given lengths; the three arrays hold `rank` entries.
        #[no_mangle]
        pub unsafe extern "C" fn $einsum(
            a: *const $t, a_len: usize, b: *const $t, b_len: usize, y: *mut $t, y_len: usize,
            rank: usize, outs: usize, sizes: *const usize, sa: *const usize, sb: *const usize,
        ) -> i32 {
            if rank > MAX_LOOPS {
                return BAD_ARGS;
            }
            let one = [<$t as Elem>::ONE];
            // SAFETY: lengths are the caller's tensor and plan sizes; `fits` checks below
            // that every offset the plan reaches lies inside them.
            unsafe {
                let plan = Plan { sizes: src(sizes, rank), a: src(sa, rank), b: src(sb, rank), outs };
                let b = if b_len == 0 { &one[..] } else { src(b, b_len) };
                if !plan.fits(a_len, b.len(), y_len) {
                    return BAD_ARGS;
                }
                einsum(src(a, a_len), b, dst(y, y_len), &plan);
            }
            OK
        }
    )*};
}

select_exports!(
    topk_f32, einsum_f32: f32, topk_f64, einsum_f64: f64,
    topk_i8, einsum_i8: i8, topk_u8, einsum_u8: u8,
    topk_i16, einsum_i16: i16, topk_u16, einsum_u16: u16,
    topk_i32, einsum_i32: i32, topk_u32, einsum_u32: u32,
    topk_i64, einsum_i64: i64, topk_u64, einsum_u64: u64,
);

/// # Safety
/// `x` and `y` hold outer·n·inner f32 and do not alias; `scratch` holds `scratch_len`.
#[no_mangle]
pub unsafe extern "C" fn softmax_f32(
    x: *const f32,
    y: *mut f32,
    outer: usize,
    n: usize,
    inner: usize,
    mode: u32,
    scratch: *mut f32,
    scratch_len: usize,
) -> i32 {
    let Some(mode) = Mode::from_code(mode) else {
        return BAD_TYPE;
    };
    let Some((len, _)) = block(outer, n, inner) else {
        return BAD_ARGS;
    };
    if inner > 1 && scratch_len < 2 * inner {
        return SHORT_SCRATCH;
    }
    // SAFETY: lengths are the caller's tensor and scratch sizes, checked above.
    unsafe {
        let scratch = dst(scratch, scratch_len);
        crate::reduce::softmax_f32(src(x, len), dst(y, len), [outer, n, inner], mode, scratch)
    };
    OK
}

/// # Safety
/// `x` and `y` hold outer·n·inner f64 and do not alias.
#[no_mangle]
pub unsafe extern "C" fn softmax_f64(
    x: *const f64,
    y: *mut f64,
    outer: usize,
    n: usize,
    inner: usize,
    mode: u32,
) -> i32 {
    let Some(mode) = Mode::from_code(mode) else {
        return BAD_TYPE;
    };
    let Some((len, _)) = block(outer, n, inner) else {
        return BAD_ARGS;
    };
    // SAFETY: lengths are the caller's tensor sizes, checked for overflow above.
    unsafe { softmax(src(x, len), dst(y, len), [outer, n, inner], mode) };
    OK
}

/// A batch of f32 products y[i] = a[i]·b[i] (a [batch, m, k], b [batch, k, n], y
/// [batch, m, n], contiguous): two-operand einsum steps once arranged so.
///
/// # Safety
/// The buffers hold those sizes and `scratch` holds `scratch_len` f32; none alias.
#[no_mangle]
pub unsafe extern "C" fn einsum_gemm_f32(
    a: *const f32,
    b: *const f32,
    y: *mut f32,
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
    scratch: *mut f32,
    scratch_len: usize,
) -> i32 {
    let len = |r: usize, c: usize| batch.checked_mul(r)?.checked_mul(c);
    let (Some(al), Some(bl), Some(yl)) = (len(m, k), len(k, n), len(m, n)) else {
        return BAD_ARGS;
    };
    let need = crate::gemm::Shape { m, k, n }.scratch_len();
    if scratch_len < need {
        return SHORT_SCRATCH;
    }
    // SAFETY: lengths are the caller's tensor and scratch sizes, checked above.
    unsafe {
        let scratch = dst(scratch, scratch_len);
        batched_gemm(
            src(a, al),
            src(b, bl),
            dst(y, yl),
            [batch, m, k, n],
            scratch,
        )
    };
    OK
}

/// Length a `rows`×`cols` parameter needs when its rows are `step` apart.
fn param_len(rows: usize, cols: usize, step: usize) -> Option<usize> {
    rows.checked_sub(1)
        .map_or(Some(0), |r| r.checked_mul(step)?.checked_add(cols))
}

macro_rules! layernorm_exports {
    ($($name:ident: $t:ty => $f:expr),* $(,)?) => {$(
        /// LayerNormalization of `rows` rows of `cols`. Scale and bias rows lie `*_step`
        /// apart (0: one shared row); `bias_len` 0 means no bias. `mean` and `inv_std`
        /// hold `rows` f32, or are skipped with length 0.
        ///
        /// # Safety
        /// Every pointer holds the length given with it (x and y rows·cols); `y`, `mean`
        /// and `inv_std` alias nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            x: *const $t, y: *mut $t, rows: usize, cols: usize, eps: f64,
            scale: *const $t, scale_step: usize, bias: *const $t, bias_len: usize,
            bias_step: usize, mean: *mut f32, mean_len: usize, inv: *mut f32, inv_len: usize,
        ) -> i32 {
            let (Some((len, _)), Some(scale_len), Some(need_bias)) = (
                block(rows, cols, 1),
                param_len(rows, cols, scale_step),
                param_len(rows, cols, bias_step),
            ) else {
                return BAD_ARGS;
            };
            let stat_ok = |l: usize| l == 0 || l == rows;
            if (bias_len != 0 && bias_len < need_bias) || !stat_ok(mean_len) || !stat_ok(inv_len) {
                return BAD_ARGS;
            }
            // SAFETY: lengths are the caller's tensor sizes, checked above.
            unsafe {
                let aff = Affine {
                    scale: src(scale, scale_len),
                    scale_step,
                    bias: (bias_len != 0).then(|| src(bias, bias_len)),
                    bias_step,
                };
                let mut stats = Stats { mean: dst(mean, mean_len), inv_std: dst(inv, inv_len) };
                $f(src(x, len), dst(y, len), cols, eps, &aff, &mut stats);
            }
            OK
        }
    )*};
}

layernorm_exports!(layernorm_f32: f32 => crate::reduce::layernorm_f32, layernorm_f64: f64 => layernorm::<f64>);
