//! The integer element types quantized tensors hold, and their rounding.
use core::arch::wasm32::*;

/// An integer element of a quantized tensor, with its saturation range.
pub trait QInt: Copy {
    const MIN: i32;
    const MAX: i32;
    fn to_i32(self) -> i32;
    /// From a value already inside `[MIN, MAX]`.
    fn from_i32(v: i32) -> Self;
}

macro_rules! qint {
    ($($t:ty),*) => {$(
        impl QInt for $t {
            const MIN: i32 = <$t>::MIN as i32;
            const MAX: i32 = <$t>::MAX as i32;
            #[inline(always)]
            fn to_i32(self) -> i32 {
                self as i32
            }
            #[inline(always)]
            fn from_i32(v: i32) -> Self {
                v as $t
            }
        }
    )*};
}
qint!(u8, i8, u16, i16, i32);

/// The zero point at `i`, or 0 when the tensor has none (empty slice).
#[inline(always)]
pub fn zero_point<T: QInt>(zp: &[T], i: usize) -> i32 {
    zp.get(i).map_or(0, |z| z.to_i32())
}

/// Rounds half to even, as ONNX quantization requires.
#[inline(always)]
pub fn round_even(v: f32) -> f32 {
    f32x4_extract_lane::<0>(f32x4_nearest(f32x4_splat(v)))
}

/// `v` rounded to the nearest even integer and saturated into `T`'s range (NaN gives 0).
#[inline(always)]
pub fn saturate<T: QInt>(v: f32) -> T {
    T::from_i32(v.clamp(T::MIN as f32, T::MAX as f32) as i32)
}
