//! Broadcasting binary ops: arithmetic on every numeric type, bit shifts on integers, logic on bools and comparisons into bools. float32 arithmetic runs on
//! SIMD128.
use super::broadcast::{zip2, zip_row, Broadcast, Row};
use super::cast::Bool;
use super::num::Num;
use crate::simd::{load, store};
use core::arch::wasm32::*;

op_codes! {
    /// Binary ops; Mod is Python's remainder, Fmod C's.
    BinaryOp {
        Add = 0, Sub = 1, Mul = 2, Div = 3, Mod = 4, Fmod = 5, Pow = 6, Max = 7, Min = 8,
        PRelu = 9, BitShiftLeft = 10, BitShiftRight = 11, And = 12, Or = 13, Xor = 14,
    }
}

op_codes! {
    /// Comparisons, whose results are bools.
    CompareOp { Equal = 0, Greater = 1, GreaterOrEqual = 2, Less = 3, LessOrEqual = 4 }
}

/// The broadcast walk with `f` applied to each pair of elements.
#[inline(always)]
fn apply<A: Copy, B: Copy, Y: Copy>(
    plan: &Broadcast<2>,
    a: &[A],
    b: &[B],
    y: &mut [Y],
    f: impl Fn(A, B) -> Y + Copy,
) {
    zip2(plan, a, b, y, |ra, rb, ry| zip_row(ra, rb, ry, f));
}

/// Arithmetic on a numeric type; false for the ops it does not have.
pub fn arith<T: Num>(op: BinaryOp, plan: &Broadcast<2>, a: &[T], b: &[T], y: &mut [T]) -> bool {
    use BinaryOp::*;
    match op {
        Add => apply(plan, a, b, y, T::add),
        Sub => apply(plan, a, b, y, T::sub),
        Mul => apply(plan, a, b, y, T::mul),
        Div => apply(plan, a, b, y, T::div),
        Mod => apply(plan, a, b, y, T::modulo),
        Fmod => apply(plan, a, b, y, T::fmod),
        Pow => apply(plan, a, b, y, T::pow),
        Max => apply(plan, a, b, y, T::max),
        Min => apply(plan, a, b, y, T::min),
        PRelu => apply(plan, a, b, y, |x, s| if x < T::ZERO { x.mul(s) } else { x }),
        BitShiftLeft | BitShiftRight | And | Or | Xor => return false,
    }
    true
}

/// Bit shifts. Right shifts of signed types are arithmetic; a shift by a negative amount
/// or by the width or more leaves only the sign fill: -1 for a right shift of a negative
/// value, else 0.
pub trait Shift: Copy {
    fn shl(self, b: Self) -> Self;
    fn shr(self, b: Self) -> Self;
}

macro_rules! shift {
    ($fill:expr; $($t:ty),*) => {$(
        impl Shift for $t {
            #[inline(always)]
            fn shl(self, b: Self) -> Self {
                if in_width(b as i128, <$t>::BITS) { self << b } else { 0 }
            }
            #[inline(always)]
            fn shr(self, b: Self) -> Self {
                if in_width(b as i128, <$t>::BITS) { self >> b } else { $fill(self) }
            }
        }
    )*};
}

#[inline(always)]
fn in_width(shift: i128, bits: u32) -> bool {
    (0..bits as i128).contains(&shift)
}

shift!(|x: Self| x >> (Self::BITS - 1); i8, i16, i32, i64);
shift!(|_| 0; u8, u16, u32, u64);

/// Integers: arithmetic and bit shifts.
pub fn arith_int<T: Num + Shift>(
    op: BinaryOp,
    plan: &Broadcast<2>,
    a: &[T],
    b: &[T],
    y: &mut [T],
) -> bool {
    match op {
        BinaryOp::BitShiftLeft => apply(plan, a, b, y, T::shl),
        BinaryOp::BitShiftRight => apply(plan, a, b, y, T::shr),
        _ => return arith(op, plan, a, b, y),
    }
    true
}

/// And, Or and Xor on bools.
pub fn logic(op: BinaryOp, plan: &Broadcast<2>, a: &[Bool], b: &[Bool], y: &mut [Bool]) -> bool {
    match op {
        BinaryOp::And => apply(plan, a, b, y, |a, b| Bool(a.0 & b.0)),
        BinaryOp::Or => apply(plan, a, b, y, |a, b| Bool(a.0 | b.0)),
        BinaryOp::Xor => apply(plan, a, b, y, |a, b| Bool(a.0 ^ b.0)),
        _ => return false,
    }
    true
}

/// Comparisons of any element type (NaN compares unequal and unordered).
pub fn compare<T: Copy + PartialOrd>(
    op: CompareOp,
    plan: &Broadcast<2>,
    a: &[T],
    b: &[T],
    y: &mut [Bool],
) {
    use CompareOp::*;
    match op {
        Equal => apply(plan, a, b, y, |a, b| Bool((a == b) as u8)),
        Greater => apply(plan, a, b, y, |a, b| Bool((a > b) as u8)),
        GreaterOrEqual => apply(plan, a, b, y, |a, b| Bool((a >= b) as u8)),
        Less => apply(plan, a, b, y, |a, b| Bool((a < b) as u8)),
        LessOrEqual => apply(plan, a, b, y, |a, b| Bool((a <= b) as u8)),
    }
}

/// float32 arithmetic: SIMD128 for the ops with a vector instruction, the generic path
/// (through f64) for Mod, Fmod and Pow.
pub fn arith_f32(op: BinaryOp, plan: &Broadcast<2>, a: &[f32], b: &[f32], y: &mut [f32]) -> bool {
    use BinaryOp::*;
    let zero = f32x4_splat(0.0);
    match op {
        Add => simd(plan, a, b, y, |a, b| f32x4_add(a, b)),
        Sub => simd(plan, a, b, y, |a, b| f32x4_sub(a, b)),
        Mul => simd(plan, a, b, y, |a, b| f32x4_mul(a, b)),
        Div => simd(plan, a, b, y, |a, b| f32x4_div(a, b)),
        Max => simd(plan, a, b, y, |a, b| f32x4_max(a, b)),
        Min => simd(plan, a, b, y, |a, b| f32x4_min(a, b)),
        PRelu => simd(plan, a, b, y, |x, s| {
            v128_bitselect(f32x4_mul(x, s), x, f32x4_lt(x, zero))
        }),
        Pow => apply(
            plan,
            a,
            b,
            y,
            |x, e| if e == 2.0 { x * x } else { x.pow(e) },
        ),
        _ => return arith(op, plan, a, b, y),
    }
    true
}

fn simd(
    plan: &Broadcast<2>,
    a: &[f32],
    b: &[f32],
    y: &mut [f32],
    f: impl Fn(v128, v128) -> v128 + Copy,
) {
    zip2(plan, a, b, y, |ra, rb, ry| match (ra, rb) {
        (Row::Run(a), Row::Run(b)) => lanes(Run(a), Run(b), ry, f),
        (Row::Run(a), Row::Splat(b)) => lanes(Run(a), Splat(b), ry, f),
        (Row::Splat(a), Row::Run(b)) => lanes(Splat(a), Run(b), ry, f),
        (Row::Splat(a), Row::Splat(b)) => lanes(Splat(a), Splat(b), ry, f),
    });
}

/// A row operand as four-lane vectors (one loop is compiled per kind).
trait Lanes: Copy {
    fn vec(self, i: usize) -> v128;
    fn one(self, i: usize) -> f32;
}

#[derive(Clone, Copy)]
struct Run<'a>(&'a [f32]);

#[derive(Clone, Copy)]
struct Splat(f32);

impl Lanes for Run<'_> {
    #[inline(always)]
    fn vec(self, i: usize) -> v128 {
        load(self.0, i)
    }
    #[inline(always)]
    fn one(self, i: usize) -> f32 {
        self.0[i]
    }
}

impl Lanes for Splat {
    #[inline(always)]
    fn vec(self, _: usize) -> v128 {
        f32x4_splat(self.0)
    }
    #[inline(always)]
    fn one(self, _: usize) -> f32 {
        self.0
    }
}

/// y = f(a, b) four lanes at a time; the tail goes through zero-padded vectors.
#[inline(always)]
fn lanes(a: impl Lanes, b: impl Lanes, y: &mut [f32], f: impl Fn(v128, v128) -> v128) {
    let n = y.len();
    let n4 = n / 4 * 4;
    for i in (0..n4).step_by(4) {
        store(y, i, f(a.vec(i), b.vec(i)));
    }
    if n4 < n {
        let (mut ta, mut tb, mut r) = ([0.0f32; 4], [0.0f32; 4], [0.0f32; 4]);
        for j in 0..n - n4 {
            ta[j] = a.one(n4 + j);
            tb[j] = b.one(n4 + j);
        }
        store(&mut r, 0, f(load(&ta, 0), load(&tb, 0)));
        y[n4..].copy_from_slice(&r[..n - n4]);
    }
}
