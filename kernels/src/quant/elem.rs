//! The element types quantized tensors hold, and IEEE half precision.
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

/// Rounds half to even in double precision.
#[inline(always)]
pub fn round_even_f64(v: f64) -> f64 {
    f64x2_extract_lane::<0>(f64x2_nearest(f64x2_splat(v)))
}

/// `v` rounded to the nearest even integer and saturated into `T`'s range (NaN gives 0).
#[inline(always)]
pub fn saturate<T: QInt>(v: f32) -> T {
    T::from_i32(v.clamp(T::MIN as f32, T::MAX as f32) as i32)
}

/// IEEE 754 binary16, held as its bits.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct F16(pub u16);

impl F16 {
    /// The exact f32 value.
    pub fn to_f32(self) -> f32 {
        let h = self.0 as u32;
        let sign = (h & 0x8000) << 16;
        let exp = (h >> 10) & 0x1f;
        let man = h & 0x3ff;
        match exp {
            0x1f => f32::from_bits(sign | 0x7f80_0000 | (man << 13)),
            0 => {
                // Subnormal: man · 2^-24, exact in f32.
                let mag = man as f32 * f32::from_bits(0x3380_0000);
                if sign != 0 {
                    -mag
                } else {
                    mag
                }
            }
            _ => f32::from_bits(sign | ((exp + 112) << 23) | (man << 13)),
        }
    }

    /// The nearest half (ties to even), infinities past the range.
    pub fn from_f32(v: f32) -> F16 {
        let x = v.to_bits();
        let sign = ((x >> 16) & 0x8000) as u16;
        let exp = ((x >> 23) & 0xff) as i32;
        let man = x & 0x7f_ffff;
        if exp == 0xff {
            let nan = if man != 0 {
                0x200 | (man >> 13) as u16
            } else {
                0
            };
            return F16(sign | 0x7c00 | nan);
        }
        let e = exp - 112;
        if e >= 0x1f {
            return F16(sign | 0x7c00);
        }
        if e <= 0 {
            if e < -10 {
                return F16(sign);
            }
            return F16(sign | round_shift(man | 0x80_0000, (14 - e) as u32) as u16);
        }
        // A carry out of the mantissa rightly bumps the exponent (up to infinity).
        F16(sign | round_shift(((e as u32) << 23) | man, 13) as u16)
    }
}

/// `m >> shift`, rounded to nearest with ties to even.
fn round_shift(m: u32, shift: u32) -> u32 {
    let q = m >> shift;
    let rem = m & ((1 << shift) - 1);
    let half = 1 << (shift - 1);
    if rem > half || (rem == half && q & 1 == 1) {
        q + 1
    } else {
        q
    }
}
