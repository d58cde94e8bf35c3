//! The element types the kernels are generic over, with the arithmetic ONNX asks of them:
//! integers wrap, max and min propagate NaN, float math goes through f64.
use crate::math;
use core::cmp::Ordering;

/// One element type of a tensor.
pub trait Elem: Copy + PartialOrd {
    /// Identity of sum.
    const ZERO: Self;
    /// Identity of product.
    const ONE: Self;
    /// Identity of max: -inf for floats, the minimum for integers.
    const LOWEST: Self;
    /// Identity of min: +inf for floats, the maximum for integers.
    const HIGHEST: Self;
    /// Sum, wrapping for integers.
    fn add(self, o: Self) -> Self;
    /// Product, wrapping for integers.
    fn mul(self, o: Self) -> Self;
    /// Absolute value (wrapping for the signed minimum).
    fn abs(self) -> Self;
    /// The value as f64, for math integers lack (sqrt, log, exp).
    fn to_f64(self) -> f64;
    /// The nearest value of this type (integers truncate and saturate).
    fn from_f64(v: f64) -> Self;
    /// Divides by a count: the mean; integers truncate, and give zero for an empty count.
    fn div_count(self, n: usize) -> Self;
    /// Whether the value is NaN (never for integers).
    #[allow(clippy::eq_op)] // x != x is exactly the NaN test, for every PartialOrd type
    fn is_nan(self) -> bool {
        self != self
    }
}

/// A float type: the element types of Softmax, LayerNormalization and friends.
pub trait Float: Elem {
    /// self - o
    fn sub(self, o: Self) -> Self;
    /// self / o
    fn div(self, o: Self) -> Self;
    /// e^self
    fn exp(self) -> Self {
        Self::from_f64(math::exp(self.to_f64()))
    }
    /// ln(self)
    fn ln(self) -> Self {
        Self::from_f64(math::ln(self.to_f64()))
    }
    /// √self
    fn sqrt(self) -> Self {
        Self::from_f64(math::sqrt(self.to_f64()))
    }
}

/// The larger value; NaN wins, as in numpy and the ONNX reference.
#[inline(always)]
pub fn max<T: Elem>(a: T, b: T) -> T {
    if b > a || b.is_nan() {
        b
    } else {
        a
    }
}

/// The smaller value; NaN wins.
#[inline(always)]
pub fn min<T: Elem>(a: T, b: T) -> T {
    if b < a || b.is_nan() {
        b
    } else {
        a
    }
}

/// A total order with NaN above everything, for sorting.
#[inline(always)]
pub fn total_cmp<T: Elem>(a: T, b: T) -> Ordering {
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

macro_rules! float_elem {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const LOWEST: Self = <$t>::NEG_INFINITY;
            const HIGHEST: Self = <$t>::INFINITY;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
            #[inline(always)]
            fn abs(self) -> Self { <$t>::abs(self) }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn div_count(self, n: usize) -> Self { self / n as $t }
        }
        impl Float for $t {
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self - o }
            #[inline(always)]
            fn div(self, o: Self) -> Self { self / o }
        }
    )*};
}
float_elem!(f32, f64);

macro_rules! int_elem {
    ($wide:ty, $abs:expr; $($t:ty),*) => {$(
        impl Elem for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const LOWEST: Self = <$t>::MIN;
            const HIGHEST: Self = <$t>::MAX;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)]
            fn abs(self) -> Self { $abs(self) }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn div_count(self, n: usize) -> Self {
                if n == 0 { 0 } else { (self as $wide).wrapping_div(n as $wide) as $t }
            }
        }
    )*};
}
int_elem!(i64, |v: i64| v.wrapping_abs(); i64);
int_elem!(i64, |v: i32| v.wrapping_abs(); i32);
int_elem!(i64, |v: i16| v.wrapping_abs(); i16);
int_elem!(i64, |v: i8| v.wrapping_abs(); i8);
int_elem!(u64, |v| v; u64, u32, u16, u8);

/// A bool element (one byte, 0 or 1): max is "any", min is "all".
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, PartialOrd)]
pub struct Bool(u8);

impl Elem for Bool {
    const ZERO: Self = Bool(0);
    const ONE: Self = Bool(1);
    const LOWEST: Self = Bool(0);
    const HIGHEST: Self = Bool(1);
    fn add(self, o: Self) -> Self {
        Bool(self.0 | o.0)
    }
    fn mul(self, o: Self) -> Self {
        Bool(self.0 & o.0)
    }
    fn abs(self) -> Self {
        self
    }
    fn to_f64(self) -> f64 {
        self.0 as f64
    }
    fn from_f64(v: f64) -> Self {
        Bool((v != 0.0) as u8)
    }
    fn div_count(self, _n: usize) -> Self {
        self
    }
}
