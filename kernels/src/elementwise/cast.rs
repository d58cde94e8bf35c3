//! Cast between every pair of element types, with numpy's `astype` meaning: floats
//! truncate toward zero into integers (saturating, NaN to 0), integers wrap into narrower
//! integers, anything non-zero (NaN included) is true, and float16 rounds to nearest even.
use super::unary::map;
use crate::half::F16;

/// A bool element: one byte, 0 or 1.
#[derive(Clone, Copy, Default, PartialEq, PartialOrd, Debug)]
#[repr(transparent)]
pub struct Bool(pub u8);

/// Conversion of one element to type `D`.
pub trait CastTo<D> {
    fn cast(self) -> D;
}

macro_rules! cast_as {
    ($s:ty => $($d:ty),*) => {$(
        impl CastTo<$d> for $s {
            #[inline(always)]
            fn cast(self) -> $d {
                self as $d
            }
        }
    )*};
}

/// Casts out of one primitive type into every other type.
macro_rules! cast_prim {
    ($($s:ty),*) => {$(
        cast_as!($s => f32, f64, i8, u8, i16, u16, i32, u32, i64, u64);

        impl CastTo<Bool> for $s {
            #[inline(always)]
            #[allow(clippy::float_cmp)] // exact comparison with zero is the definition
            fn cast(self) -> Bool {
                Bool((self != 0 as $s) as u8)
            }
        }
    )*};
}

cast_prim!(f32, f64, i8, u8, i16, u16, i32, u32, i64, u64);

/// Integers reach float16 through f32: exact below 2^24, and anything larger is
/// infinite in float16 either way.
macro_rules! cast_int_to_f16 {
    ($($s:ty),*) => {$(
        impl CastTo<F16> for $s {
            #[inline(always)]
            fn cast(self) -> F16 {
                F16::from_f32(self as f32)
            }
        }
    )*};
}

cast_int_to_f16!(i8, u8, i16, u16, i32, u32, i64, u64);

impl CastTo<F16> for f32 {
    #[inline(always)]
    fn cast(self) -> F16 {
        F16::from_f32(self)
    }
}

impl CastTo<F16> for f64 {
    #[inline(always)]
    fn cast(self) -> F16 {
        F16::from_f64(self)
    }
}

/// float16 converts exactly to f32 and goes on from there.
impl<D> CastTo<D> for F16
where
    f32: CastTo<D>,
{
    #[inline(always)]
    fn cast(self) -> D {
        self.to_f32().cast()
    }
}

/// bool is 0 or 1 of the target type (and stays 0 or 1 as a bool).
impl<D> CastTo<D> for Bool
where
    u8: CastTo<D>,
{
    #[inline(always)]
    fn cast(self) -> D {
        ((self.0 != 0) as u8).cast()
    }
}

/// y[i] = x[i] as D.
pub fn cast<S: Copy + CastTo<D>, D>(x: &[S], y: &mut [D]) {
    map(x, y, S::cast);
}

/// y[i] = 1 as D (Dropout's inference mask).
pub fn ones<D: Copy>(y: &mut [D])
where
    Bool: CastTo<D>,
{
    y.fill(Bool(1).cast());
}
