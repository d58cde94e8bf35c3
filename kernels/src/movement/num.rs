//! Arithmetic on every element type, for the movement kernels that compute on values
//! (ScatterElements/ScatterND reductions, Range, Resize's conversions).
use super::Fault;
use crate::half::F16;
use crate::math::nearest;
use core::ops::{Add, Mul};

/// A bool byte (0 or 1).
#[repr(transparent)]
#[derive(Clone, Copy, Default)]
pub struct Bool(pub u8);

/// Values a kernel can convert, combine and count with.
pub trait Num: Copy + Default {
    fn to_f64(self) -> f64;
    /// Nearest value: integers round half to even and saturate, bools test non-zero.
    fn from_f64(v: f64) -> Self;
    /// Wrapping for integers; logical or for bools.
    fn add(self, o: Self) -> Self;
    /// Wrapping for integers; logical and for bools.
    fn mul(self, o: Self) -> Self;
    fn max(self, o: Self) -> Self;
    fn min(self, o: Self) -> Self;
    /// `start + i * delta`, computed in the type.
    fn range_at(start: Self, delta: Self, i: usize) -> Self;
}

/// The types Resize interpolates in.
pub trait Real: Copy + Default + Add<Output = Self> + Mul<Output = Self> + Num {}
impl Real for f32 {}
impl Real for f64 {}

macro_rules! int_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { nearest(v) as $t }
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)]
            fn max(self, o: Self) -> Self { Ord::max(self, o) }
            #[inline(always)]
            fn min(self, o: Self) -> Self { Ord::min(self, o) }
            #[inline(always)]
            fn range_at(start: Self, delta: Self, i: usize) -> Self {
                start.wrapping_add((i as $t).wrapping_mul(delta))
            }
        }
    )*};
}
int_num!(i8, u8, i16, u16, i32, u32, i64, u64);

macro_rules! float_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
            #[inline(always)]
            fn max(self, o: Self) -> Self { <$t>::max(self, o) }
            #[inline(always)]
            fn min(self, o: Self) -> Self { <$t>::min(self, o) }
            #[inline(always)]
            fn range_at(start: Self, delta: Self, i: usize) -> Self { start + i as $t * delta }
        }
    )*};
}
float_num!(f32, f64);

impl Num for F16 {
    fn to_f64(self) -> f64 {
        self.to_f32() as f64
    }
    fn from_f64(v: f64) -> Self {
        F16::from_f64(v)
    }
    fn add(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() + o.to_f32())
    }
    fn mul(self, o: Self) -> Self {
        F16::from_f32(self.to_f32() * o.to_f32())
    }
    fn max(self, o: Self) -> Self {
        F16::from_f32(self.to_f32().max(o.to_f32()))
    }
    fn min(self, o: Self) -> Self {
        F16::from_f32(self.to_f32().min(o.to_f32()))
    }
    /// Computed in f32 and rounded once (Range's default `stash_type`).
    fn range_at(start: Self, delta: Self, i: usize) -> Self {
        F16::from_f32(start.to_f32() + i as f32 * delta.to_f32())
    }
}

impl Num for Bool {
    fn to_f64(self) -> f64 {
        (self.0 != 0) as u8 as f64
    }
    fn from_f64(v: f64) -> Self {
        Bool((v != 0.0) as u8)
    }
    fn add(self, o: Self) -> Self {
        Bool((self.0 | o.0 != 0) as u8)
    }
    fn mul(self, o: Self) -> Self {
        Bool((self.0 != 0 && o.0 != 0) as u8)
    }
    fn max(self, o: Self) -> Self {
        self.add(o)
    }
    fn min(self, o: Self) -> Self {
        self.mul(o)
    }
    fn range_at(start: Self, _delta: Self, _i: usize) -> Self {
        start
    }
}

/// Converts between element types (into and out of Resize's interpolation type).
pub fn convert<A: Num, B: Num>(src: &[A], dst: &mut [B]) -> Result<(), Fault> {
    if src.len() != dst.len() {
        return Err(Fault::Shape);
    }
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = B::from_f64(s.to_f64());
    }
    Ok(())
}
