//! Conversions between f32, in which the float kernels compute, and the other float
//! element types (and int32, which QuantizeLinear accepts as input).
use crate::half::F16;

/// An element that widens to f32.
pub trait Widen: Copy {
    fn widen(self) -> f32;
}

/// An element that f32 narrows to (rounding to nearest even).
pub trait Narrow: Copy {
    fn narrow(v: f32) -> Self;
}

impl Widen for F16 {
    fn widen(self) -> f32 {
        self.to_f32()
    }
}

impl Widen for f64 {
    fn widen(self) -> f32 {
        self as f32
    }
}

impl Widen for i32 {
    fn widen(self) -> f32 {
        self as f32
    }
}

impl Narrow for F16 {
    fn narrow(v: f32) -> Self {
        F16::from_f32(v)
    }
}

impl Narrow for f64 {
    fn narrow(v: f32) -> Self {
        v as f64
    }
}

/// dst[i] = src[i] as f32, same length.
pub fn widen<T: Widen>(src: &[T], dst: &mut [f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = s.widen();
    }
}

/// dst[i] = src[i] rounded to T, same length.
pub fn narrow<T: Narrow>(src: &[f32], dst: &mut [T]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = T::narrow(*s);
    }
}
