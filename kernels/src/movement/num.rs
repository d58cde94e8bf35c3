//! Arithmetic on every element type, for the movement kernels that compute on values
//! (ScatterElements/ScatterND reductions, Range, Resize's conversions). `core` has no
//! float rounding in `no_std`, so the few roundings needed are written here.
use super::Fault;
use core::ops::{Add, Mul};

/// Half-precision bits.
#[repr(transparent)]
#[derive(Clone, Copy, Default)]
pub struct F16(pub u16);

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

/// Largest magnitude below which an f64 can have a fraction.
const FRACTIONAL: f64 = 4503599627370496.0;

/// ⌊x⌋.
pub fn floor(x: f64) -> f64 {
    if !(x.abs() < FRACTIONAL) {
        return x;
    }
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// Nearest integer, halves to even (numpy's `round`).
pub fn round_even(x: f64) -> f64 {
    let f = floor(x);
    let d = x - f;
    if d > 0.5 || (d == 0.5 && f % 2.0 != 0.0) {
        f + 1.0
    } else {
        f
    }
}

macro_rules! int_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { round_even(v) as $t }
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
        f16_to_f32(self.0) as f64
    }
    fn from_f64(v: f64) -> Self {
        F16(f32_to_f16(v as f32))
    }
    fn add(self, o: Self) -> Self {
        F16(f32_to_f16(f16_to_f32(self.0) + f16_to_f32(o.0)))
    }
    fn mul(self, o: Self) -> Self {
        F16(f32_to_f16(f16_to_f32(self.0) * f16_to_f32(o.0)))
    }
    fn max(self, o: Self) -> Self {
        F16(f32_to_f16(f16_to_f32(self.0).max(f16_to_f32(o.0))))
    }
    fn min(self, o: Self) -> Self {
        F16(f32_to_f16(f16_to_f32(self.0).min(f16_to_f32(o.0))))
    }
    /// Computed in f32 and rounded once (Range's default `stash_type`).
    fn range_at(start: Self, delta: Self, i: usize) -> Self {
        F16(f32_to_f16(
            f16_to_f32(start.0) + i as f32 * f16_to_f32(delta.0),
        ))
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

/// The f32 value of half-precision bits.
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let frac = (h & 0x3ff) as u32;
    let bits = match exp {
        0 => {
            let v = frac as f32 * (1.0 / 16777216.0);
            return if sign != 0 { -v } else { v };
        }
        31 => sign | 0x7f80_0000 | (frac << 13),
        _ => sign | ((exp + 112) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

/// Half-precision bits of an f32, rounded to nearest even.
pub fn f32_to_f16(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    let man = b & 0x7f_ffff;
    if exp == 255 {
        return sign | 0x7c00 | if man != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 31 {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        return sign | round_shift(man | 0x80_0000, (14 - e) as u32) as u16;
    }
    // A carry out of the mantissa bumps the exponent, up to infinity: still correct.
    sign | (((e as u32) << 10) + round_shift(man, 13)) as u16
}

/// `m >> shift`, rounded to nearest even.
fn round_shift(m: u32, shift: u32) -> u32 {
    let half = 1 << (shift - 1);
    let rest = m & ((1 << shift) - 1);
    let h = m >> shift;
    if rest > half || (rest == half && h & 1 == 1) {
        h + 1
    } else {
        h
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
