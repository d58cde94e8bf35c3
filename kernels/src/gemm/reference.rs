//! The straightforward GEMM over any element type: the f64 and integer MatMul/Gemm
//! kernels (integers wrap, as ONNX Runtime's do), and the reference the packed f32 path
//! is checked against.
use super::{Mat, Shape};

/// An element the reference GEMM multiplies: + and × (wrapping for integers).
pub trait Elem: Copy {
    const ZERO: Self;
    /// The value of an f64 scale factor (integers truncate, as a C cast does).
    fn from_f64(x: f64) -> Self;
    /// self + a · b
    fn mul_add(self, a: Self, b: Self) -> Self;
}

impl Elem for f64 {
    const ZERO: Self = 0.0;
    fn from_f64(x: f64) -> Self {
        x
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self + a * b
    }
}

impl Elem for i32 {
    const ZERO: Self = 0;
    fn from_f64(x: f64) -> Self {
        x as i32
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self.wrapping_add(a.wrapping_mul(b))
    }
}

impl Elem for i64 {
    const ZERO: Self = 0;
    fn from_f64(x: f64) -> Self {
        x as i64
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self.wrapping_add(a.wrapping_mul(b))
    }
}

/// Scaling and broadcast addend of the reference GEMM: alpha · A·B + beta · C.
pub struct Scale<'a, T> {
    pub alpha: T,
    pub beta: T,
    pub c: Option<Mat<'a, T>>,
}

/// out (m rows of n at row stride `ldc`) = alpha · A·B + beta · C. Views must cover their
/// shapes.
pub fn gemm<T: Elem>(
    s: Shape,
    a: &Mat<T>,
    b: &Mat<T>,
    out: &mut [T],
    ldc: usize,
    scale: &Scale<T>,
) {
    for i in 0..s.m {
        let row = &mut out[i * ldc..i * ldc + s.n];
        row.fill(T::ZERO);
        for p in 0..s.k {
            let aip = a.data[i * a.rs + p * a.cs];
            for (j, r) in row.iter_mut().enumerate() {
                *r = r.mul_add(aip, b.data[p * b.rs + j * b.cs]);
            }
        }
        for (j, r) in row.iter_mut().enumerate() {
            let mut v = T::ZERO.mul_add(scale.alpha, *r);
            if let Some(c) = &scale.c {
                v = v.mul_add(scale.beta, c.data[i * c.rs + j * c.cs]);
            }
            *r = v;
        }
    }
}
