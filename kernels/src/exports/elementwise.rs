//! Raw exports of the elementwise kernels. Element types arrive as ONNX type codes, ops
//! as the codes declared in `elementwise`, and broadcasts as i32 plans: the output dims,
//! then each operand's strides (see `elementwise::broadcast`).
use super::status::{BAD_ARGS, BAD_TYPE, OK};
use super::{dst, src};
use crate::elementwise::binary::{arith, arith_f32, arith_int, compare, logic};
use crate::elementwise::binary::{BinaryOp, CompareOp};
use crate::elementwise::broadcast::Broadcast;
use crate::elementwise::cast::{self, Bool};
use crate::elementwise::select::{clip, select};
use crate::elementwise::unary::{classify, not, unary_f16, unary_int, Classes, Params, UnaryOp};
use crate::elementwise::{unary_f32, unary_f64};
use crate::half::F16;

/// Binds `$t` to the Rust type of the ONNX type code, among those listed, and evaluates
/// `$body`; `$other` for any other code.
macro_rules! on_type {
    ($code:expr, $t:ident in [$($c:literal => $ty:ty),* $(,)?] => $body:expr, _ => $other:expr) => {
        match $code {
            $($c => {
                type $t = $ty;
                $body
            })*
            _ => $other,
        }
    };
}

/// Every element type.
macro_rules! any_type {
    ($code:expr, $t:ident => $body:expr) => {
        on_type!($code, $t in [
            1 => f32, 2 => u8, 3 => i8, 4 => u16, 5 => i16, 6 => i32, 7 => i64, 9 => Bool,
            10 => F16, 11 => f64, 12 => u32, 13 => u64,
        ] => $body, _ => BAD_TYPE)
    };
}

/// Every integer type.
macro_rules! int_type {
    ($code:expr, $t:ident => $body:expr) => {
        on_type!($code, $t in [
            2 => u8, 3 => i8, 4 => u16, 5 => i16, 6 => i32, 7 => i64, 12 => u32, 13 => u64,
        ] => $body, _ => BAD_TYPE)
    };
}

/// Every numeric element type except float32, which has its own kernels.
macro_rules! generic_num {
    ($code:expr, $t:ident => $body:expr) => {
        on_type!($code, $t in [
            2 => u8, 3 => i8, 4 => u16, 5 => i16, 6 => i32, 7 => i64, 10 => F16, 11 => f64,
            12 => u32, 13 => u64,
        ] => $body, _ => BAD_TYPE)
    };
}

/// A status from a kernel's "did it handle this op" answer.
fn handled(ok: bool) -> i32 {
    if ok {
        OK
    } else {
        BAD_TYPE
    }
}

/// Unary op `op` over `n` elements of type `dtype`.
///
/// # Safety
/// `x` and `y` hold `n` elements of `dtype` each and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn elementwise_unary(
    dtype: i32,
    op: i32,
    x: *const u8,
    y: *mut u8,
    n: usize,
    alpha: f64,
    beta: f64,
) -> i32 {
    let Some(op) = UnaryOp::from_code(op) else {
        return BAD_TYPE;
    };
    let p = Params { alpha, beta };
    // SAFETY: the caller guarantees `n` elements of `dtype` at `x` and at `y`, disjoint.
    unsafe {
        match dtype {
            1 => unary_f32::unary(op, src(x.cast(), n), dst(y.cast(), n), p),
            10 => unary_f16(op, src(x.cast(), n), dst(y.cast(), n), p),
            11 => unary_f64::unary(op, src(x.cast(), n), dst(y.cast(), n), p),
            _ => {
                return int_type!(dtype, T => {
                    unary_int::<T>(op, src(x.cast(), n), dst(y.cast(), n), p);
                    OK
                })
            }
        }
    }
    OK
}

/// Not of `n` bools.
///
/// # Safety
/// `x` and `y` hold `n` bools each and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn elementwise_not(x: *const Bool, y: *mut Bool, n: usize) -> i32 {
    // SAFETY: the caller guarantees the lengths and that the buffers are disjoint.
    unsafe { not(src(x, n), dst(y, n)) };
    OK
}

/// IsNaN / IsInf into bools; `classes` bits: 1 NaN, 2 +inf, 4 -inf.
///
/// # Safety
/// `x` holds `n` elements of `dtype`, `y` `n` bools, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn elementwise_classify(
    dtype: i32,
    classes: i32,
    x: *const u8,
    y: *mut Bool,
    n: usize,
) -> i32 {
    let classes = Classes {
        nan: classes & 1 != 0,
        pos_inf: classes & 2 != 0,
        neg_inf: classes & 4 != 0,
    };
    on_type!(dtype, T in [1 => f32, 10 => F16, 11 => f64] => {
        // SAFETY: the caller guarantees the lengths and that the buffers are disjoint.
        unsafe { classify::<T>(src(x.cast(), n), dst(y, n), classes) };
        OK
    }, _ => BAD_TYPE)
}

/// Two operands, an output and a broadcast plan as the host passes them.
struct Binary {
    a: *const u8,
    na: usize,
    b: *const u8,
    nb: usize,
    y: *mut u8,
    ny: usize,
}

impl Binary {
    /// # Safety
    /// `a`, `b` and `y` hold `na`, `nb` and `ny` elements of `T`, `T` and `Y`, and `y`
    /// overlaps neither input.
    unsafe fn slices<'a, T, Y>(&self) -> (&'a [T], &'a [T], &'a mut [Y]) {
        // SAFETY: as documented above.
        unsafe {
            (
                src(self.a.cast(), self.na),
                src(self.b.cast(), self.nb),
                dst(self.y.cast(), self.ny),
            )
        }
    }
}

/// Reads and checks a broadcast plan of `rank` dims for operands of `lens` elements.
///
/// # Safety
/// `plan` holds `rank * (K + 1)` i32s.
unsafe fn plan<'a, const K: usize>(
    plan: *const i32,
    rank: usize,
    lens: [usize; K],
    out: usize,
) -> Option<Broadcast<'a, K>> {
    // SAFETY: as documented above.
    let bc = Broadcast::new(unsafe { src(plan, rank * (K + 1)) }, rank)?;
    bc.fits(lens, out).then_some(bc)
}

/// Binary op `op` of two `dtype` tensors broadcast by `plan` (rank dims, 2 stride lists).
///
/// # Safety
/// The pointers hold the element counts given, `y` overlaps no input, and `plan` holds
/// `3 * rank` i32s.
#[no_mangle]
pub unsafe extern "C" fn elementwise_binary(
    dtype: i32,
    op: i32,
    a: *const u8,
    na: usize,
    b: *const u8,
    nb: usize,
    y: *mut u8,
    ny: usize,
    plan_ptr: *const i32,
    rank: usize,
) -> i32 {
    let Some(op) = BinaryOp::from_code(op) else {
        return BAD_TYPE;
    };
    // SAFETY: the caller guarantees the plan's length.
    let Some(bc) = (unsafe { plan(plan_ptr, rank, [na, nb], ny) }) else {
        return BAD_ARGS;
    };
    let io = Binary {
        a,
        na,
        b,
        nb,
        y,
        ny,
    };
    // SAFETY: the caller guarantees the element counts and that `y` is disjoint.
    unsafe {
        match dtype {
            1 => {
                let (a, b, y) = io.slices();
                handled(arith_f32(op, &bc, a, b, y))
            }
            9 => {
                let (a, b, y) = io.slices();
                handled(logic(op, &bc, a, b, y))
            }
            10 => {
                let (a, b, y) = io.slices::<F16, F16>();
                handled(arith(op, &bc, a, b, y))
            }
            11 => {
                let (a, b, y) = io.slices::<f64, f64>();
                handled(arith(op, &bc, a, b, y))
            }
            _ => int_type!(dtype, T => {
                let (a, b, y) = io.slices::<T, T>();
                handled(arith_int(op, &bc, a, b, y))
            }),
        }
    }
}

/// Comparison `op` of two `dtype` tensors into bools, broadcast as for
/// [`elementwise_binary`].
///
/// # Safety
/// As for [`elementwise_binary`], with `y` holding `ny` bools.
#[no_mangle]
pub unsafe extern "C" fn elementwise_compare(
    dtype: i32,
    op: i32,
    a: *const u8,
    na: usize,
    b: *const u8,
    nb: usize,
    y: *mut u8,
    ny: usize,
    plan_ptr: *const i32,
    rank: usize,
) -> i32 {
    let Some(op) = CompareOp::from_code(op) else {
        return BAD_TYPE;
    };
    // SAFETY: the caller guarantees the plan's length.
    let Some(bc) = (unsafe { plan(plan_ptr, rank, [na, nb], ny) }) else {
        return BAD_ARGS;
    };
    let io = Binary {
        a,
        na,
        b,
        nb,
        y,
        ny,
    };
    any_type!(dtype, T => {
        // SAFETY: the caller guarantees the element counts and that `y` is disjoint.
        let (a, b, y) = unsafe { io.slices::<T, Bool>() };
        compare(op, &bc, a, b, y);
        OK
    })
}

/// Where: out = c ? x : y over elements of `bytes` bytes, broadcast by `plan` (rank
/// dims, then the strides of c, x and y).
///
/// # Safety
/// The pointers hold the element counts given, `out` overlaps no input, and `plan` holds
/// `4 * rank` i32s.
#[no_mangle]
pub unsafe extern "C" fn elementwise_where(
    bytes: usize,
    c: *const Bool,
    nc: usize,
    x: *const u8,
    nx: usize,
    y: *const u8,
    ny: usize,
    out: *mut u8,
    n: usize,
    plan_ptr: *const i32,
    rank: usize,
) -> i32 {
    // SAFETY: the caller guarantees the plan's length.
    let Some(bc) = (unsafe { plan(plan_ptr, rank, [nc, nx, ny], n) }) else {
        return BAD_ARGS;
    };
    on_type!(bytes, T in [1 => u8, 2 => u16, 4 => u32, 8 => u64] => {
        // SAFETY: the caller guarantees the element counts and that `out` is disjoint.
        unsafe {
            select::<T>(&bc, src(c, nc), src(x.cast(), nx), src(y.cast(), ny), dst(out.cast(), n))
        };
        OK
    }, _ => BAD_TYPE)
}

/// Clip `n` elements of `dtype` to the one-element bounds at `lo` and `hi` (null: none).
///
/// # Safety
/// `x` and `y` hold `n` elements of `dtype` and do not overlap; `lo` and `hi` are null or
/// point at one element of `dtype`.
#[no_mangle]
pub unsafe extern "C" fn elementwise_clip(
    dtype: i32,
    x: *const u8,
    y: *mut u8,
    n: usize,
    lo: *const u8,
    hi: *const u8,
) -> i32 {
    // SAFETY: the caller guarantees the lengths; bounds are null or one element.
    unsafe {
        let bound = |p: *const u8| (!p.is_null()).then(|| src(p.cast(), 1)[0]);
        if dtype == 1 {
            unary_f32::clip(src(x.cast(), n), dst(y.cast(), n), bound(lo), bound(hi));
            return OK;
        }
        generic_num!(dtype, T => {
            let bound = |p: *const u8| (!p.is_null()).then(|| src::<T>(p.cast(), 1)[0]);
            clip::<T>(src(x.cast(), n), dst(y.cast(), n), bound(lo), bound(hi));
            OK
        })
    }
}

/// Cast `n` elements from type code `from` to type code `to`.
///
/// # Safety
/// `x` holds `n` elements of `from`, `y` `n` of `to`, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn elementwise_cast(
    from: i32,
    to: i32,
    x: *const u8,
    y: *mut u8,
    n: usize,
) -> i32 {
    any_type!(from, S => any_type!(to, D => {
        // SAFETY: the caller guarantees the lengths and that the buffers are disjoint.
        unsafe { cast::cast::<S, D>(src(x.cast(), n), dst(y.cast(), n)) };
        OK
    }))
}

/// Fill `n` elements of `dtype` with one (true for bools).
///
/// # Safety
/// `y` holds `n` elements of `dtype`.
#[no_mangle]
pub unsafe extern "C" fn elementwise_ones(dtype: i32, y: *mut u8, n: usize) -> i32 {
    any_type!(dtype, T => {
        // SAFETY: the caller guarantees the length.
        unsafe { cast::ones::<T>(dst(y.cast(), n)) };
        OK
    })
}
