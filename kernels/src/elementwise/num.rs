//! The arithmetic every numeric element type supports, with ONNX's (numpy's) meaning:
//! integers wrap, integer division truncates toward zero, division by zero gives zero
//! instead of trapping, and `max`/`min` propagate NaN.
use crate::half::F16;
use crate::math;

/// A numeric element type.
pub trait Num: Copy + PartialOrd {
    const ZERO: Self;
    const ONE: Self;
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    fn div(self, b: Self) -> Self;
    fn neg(self) -> Self;
    /// Remainder with the dividend's sign (C `fmod`).
    fn fmod(self, b: Self) -> Self;
    fn pow(self, b: Self) -> Self;

    /// Remainder with the divisor's sign (Python `%`).
    #[inline]
    fn modulo(self, b: Self) -> Self {
        let r = self.fmod(b);
        if r != Self::ZERO && (r < Self::ZERO) != (b < Self::ZERO) {
            r.add(b)
        } else {
            r
        }
    }

    /// The larger value; NaN if either is NaN.
    #[inline]
    #[allow(clippy::eq_op)] // `x != x` is the generic NaN test.
    fn max(self, b: Self) -> Self {
        if self != self {
            self
        } else if b != b || b > self {
            b
        } else {
            self
        }
    }

    /// The smaller value; NaN if either is NaN.
    #[inline]
    #[allow(clippy::eq_op)] // `x != x` is the generic NaN test.
    fn min(self, b: Self) -> Self {
        if self != self {
            self
        } else if b != b || b < self {
            b
        } else {
            self
        }
    }

    #[inline]
    fn abs(self) -> Self {
        if self < Self::ZERO {
            self.neg()
        } else {
            self
        }
    }

    /// -1, 0 or 1 (NaN stays NaN).
    #[inline]
    fn sign(self) -> Self {
        if self > Self::ZERO {
            Self::ONE
        } else if self < Self::ZERO {
            Self::ONE.neg()
        } else {
            self
        }
    }
}

macro_rules! int_common {
    () => {
        const ZERO: Self = 0;
        const ONE: Self = 1;
        #[inline]
        fn add(self, b: Self) -> Self {
            self.wrapping_add(b)
        }
        #[inline]
        fn sub(self, b: Self) -> Self {
            self.wrapping_sub(b)
        }
        #[inline]
        fn mul(self, b: Self) -> Self {
            self.wrapping_mul(b)
        }
        #[inline]
        fn div(self, b: Self) -> Self {
            if b == 0 {
                0
            } else {
                self.wrapping_div(b)
            }
        }
        #[inline]
        fn neg(self) -> Self {
            self.wrapping_neg()
        }
        #[inline]
        fn fmod(self, b: Self) -> Self {
            if b == 0 {
                0
            } else {
                self.wrapping_rem(b)
            }
        }
    };
}

/// `base^e` by squaring, wrapping like repeated multiplication.
macro_rules! int_pow_loop {
    ($base:expr, $e:expr) => {{
        let (mut base, mut e, mut acc) = ($base, $e, 1);
        while e != 0 {
            if e & 1 == 1 {
                acc = Num::mul(acc, base);
            }
            base = Num::mul(base, base);
            e >>= 1;
        }
        acc
    }};
}

macro_rules! signed_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            int_common!();
            /// Negative exponents give the truncated exact power: only ±1 survive.
            #[inline]
            fn pow(self, e: Self) -> Self {
                if e >= 0 {
                    int_pow_loop!(self, e)
                } else if self == 1 || (self == -1 && e & 1 == 0) {
                    1
                } else if self == -1 {
                    -1
                } else {
                    0
                }
            }
        }
    )*};
}

macro_rules! unsigned_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            int_common!();
            #[inline]
            fn pow(self, e: Self) -> Self {
                int_pow_loop!(self, e)
            }
        }
    )*};
}

signed_num!(i8, i16, i32, i64);
unsigned_num!(u8, u16, u32, u64);

/// Float types, computing in the wide type `W` and rounding back after each operation:
/// float16 in f32, which holds more than twice its precision, so + - × ÷ stay correctly
/// rounded. Powers compute in f64.
macro_rules! num_float {
    ($t:ty, $w:ty, $to:expr, $from:expr, $zero:expr, $one:expr) => {
        impl Num for $t {
            const ZERO: Self = $zero;
            const ONE: Self = $one;
            #[inline]
            fn add(self, b: Self) -> Self {
                $from($to(self) + $to(b))
            }
            #[inline]
            fn sub(self, b: Self) -> Self {
                $from($to(self) - $to(b))
            }
            #[inline]
            fn mul(self, b: Self) -> Self {
                $from($to(self) * $to(b))
            }
            #[inline]
            fn div(self, b: Self) -> Self {
                $from($to(self) / $to(b))
            }
            #[inline]
            fn neg(self) -> Self {
                $from(-$to(self))
            }
            #[inline]
            fn fmod(self, b: Self) -> Self {
                $from($to(self) % $to(b))
            }
            #[inline]
            fn pow(self, b: Self) -> Self {
                $from(math::pow($to(self) as f64, $to(b) as f64) as $w)
            }
            #[inline]
            fn abs(self) -> Self {
                $from($to(self).abs())
            }
        }
    };
}

num_float!(f64, f64, |x| x, |x| x, 0.0, 1.0);
num_float!(f32, f32, |x| x, |x| x, 0.0, 1.0);
num_float!(F16, f32, F16::to_f32, F16::from_f32, F16(0), F16(0x3c00));
