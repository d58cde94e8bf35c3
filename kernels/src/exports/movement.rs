//! Raw exports of the movement kernels. Byte-moving kernels take the element width
//! (`elem`: 1, 2, 4 or 8 bytes) and serve every type of that width; kernels that compute
//! take the ONNX type code. Index tensors are int32 or int64 (`idx_bytes` 4 or 8).
//! Small i32 arrays (dims, strides) come as one pointer each, laid out as documented.
// A C ABI takes one argument per buffer, length and scalar.
#![allow(clippy::too_many_arguments)]
use super::status::{BAD_ARGS, BAD_INDEX, OK};
use crate::movement::{dims_of, Fault, MAX_RANK};
use core::mem::align_of;

fn status(r: Result<(), Fault>) -> i32 {
    match r {
        Ok(()) => OK,
        Err(Fault::Shape) => BAD_ARGS,
        Err(Fault::Index) => BAD_INDEX,
    }
}

/// Whether every pointer is aligned for `T`.
fn aligned<T>(ptrs: &[*const u8]) -> bool {
    ptrs.iter().all(|&p| (p as usize) % align_of::<T>() == 0)
}

/// Binds `$T` to the type `$key` selects for `$body`; unknown keys give `BAD_TYPE`.
macro_rules! bind {
    ($key:expr, $T:ident => $body:expr; $($k:pat => $t:ty),*) => {
        match $key { $($k => { type $T = $t; $body })* _ => $crate::exports::status::BAD_TYPE }
    };
}

/// Binds `$T` to the unsigned integer of `$elem` bytes.
macro_rules! by_width {
    ($elem:expr, $T:ident => $body:expr) => {
        bind!($elem, $T => $body; 1 => u8, 2 => u16, 4 => u32, 8 => u64)
    };
}

/// Binds `$I` to the index type of `$bytes` bytes.
macro_rules! by_index {
    ($bytes:expr, $I:ident => $body:expr) => {
        bind!($bytes, $I => $body; 4 => i32, 8 => i64)
    };
}

/// Binds `$T` to the element type of ONNX type code `$code`.
macro_rules! by_dtype {
    ($code:expr, $T:ident => $body:expr) => {
        bind!($code, $T => $body; 1 => f32, 2 => u8, 3 => i8, 4 => u16, 5 => i16, 6 => i32,
            7 => i64, 9 => Bool, 10 => F16, 11 => f64, 12 => u32, 13 => u64)
    };
}

/// Binds `$W` to Resize's interpolation type (f32 for code 1, f64 for code 11).
macro_rules! by_real {
    ($code:expr, $W:ident => $body:expr) => {
        bind!($code, $W => $body; 1 => f32, 11 => f64)
    };
}

mod copy;
mod index;
mod resize;

/// Reads `n` caller dims (all >= 0) from `ptr`.
///
/// # Safety
/// `ptr` holds `n` i32s.
unsafe fn read_dims(
    ptr: *const i32,
    n: usize,
    out: &mut [usize; MAX_RANK],
) -> Result<usize, Fault> {
    // SAFETY: guaranteed by the caller.
    dims_of(unsafe { super::src(ptr, n) }, out)
}

/// Reads two shapes of `rank` dims laid out one after the other; returns their element
/// counts.
///
/// # Safety
/// `ptr` holds `2 * rank` i32s.
unsafe fn read_two(
    ptr: *const i32,
    rank: usize,
    a: &mut [usize; MAX_RANK],
    b: &mut [usize; MAX_RANK],
) -> Result<(usize, usize), Fault> {
    // SAFETY: both halves lie within the 2 * rank i32s the caller guarantees.
    unsafe { Ok((read_dims(ptr, rank, a)?, read_dims(ptr.add(rank), rank, b)?)) }
}
