//! What a GEMM does to each finished output tile: scale, add a broadcast bias, activate.
//! Conv and Gemm fold their bias here, and fused Conv/Gemm/MatMul + activation nodes
//! pick their activation here, so the output is written once.
use crate::math::vector::{sigmoid, tanh};
use crate::simd::load;
use core::arch::wasm32::*;

/// An activation applied to each output element. `ScaledHardSwish` is
/// `scale · HardSwish(x) + shift`: HardSwish then a scalar affine, as PP-LCNet follows each
/// activation with a learnable affine block. `FlooredLeakyRelu` is
/// `max(LeakyRelu(x), floor)`, as TensorFlow exports clip an activation from below.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    None,
    Relu,
    Clip { min: f32, max: f32 },
    Sigmoid,
    HardSigmoid { alpha: f32, beta: f32 },
    LeakyRelu { alpha: f32 },
    HardSwish,
    Tanh,
    ScaledHardSwish { scale: f32, shift: f32 },
    FlooredLeakyRelu { alpha: f32, floor: f32 },
}

impl Activation {
    /// Decodes the export ABI: a code and up to two parameters (0 none, 1 relu, 2 clip
    /// (min, max), 3 sigmoid, 4 hardsigmoid (alpha, beta), 5 leakyrelu (alpha),
    /// 6 hardswish, 7 tanh, 8 scaled hardswish (scale, shift), 9 floored leakyrelu (alpha,
    /// floor)); None for an unknown code.
    pub fn from_code(code: i32, p0: f32, p1: f32) -> Option<Self> {
        Some(match code {
            0 => Self::None,
            1 => Self::Relu,
            2 => Self::Clip { min: p0, max: p1 },
            3 => Self::Sigmoid,
            4 => Self::HardSigmoid {
                alpha: p0,
                beta: p1,
            },
            5 => Self::LeakyRelu { alpha: p0 },
            6 => Self::HardSwish,
            7 => Self::Tanh,
            8 => Self::ScaledHardSwish {
                scale: p0,
                shift: p1,
            },
            9 => Self::FlooredLeakyRelu {
                alpha: p0,
                floor: p1,
            },
            _ => return None,
        })
    }

    /// The activation on four lanes.
    #[inline(always)]
    pub fn apply4(self, v: v128) -> v128 {
        let zero = f32x4_splat(0.0);
        let one = f32x4_splat(1.0);
        match self {
            Self::None => v,
            Self::Relu => f32x4_max(v, zero),
            Self::Clip { min, max } => f32x4_min(f32x4_max(v, f32x4_splat(min)), f32x4_splat(max)),
            Self::Sigmoid => sigmoid(v),
            Self::HardSigmoid { alpha, beta } => {
                let lin = f32x4_add(f32x4_mul(v, f32x4_splat(alpha)), f32x4_splat(beta));
                f32x4_min(f32x4_max(lin, zero), one)
            }
            Self::LeakyRelu { alpha } => leaky_relu(v, alpha),
            Self::FlooredLeakyRelu { alpha, floor } => {
                f32x4_max(leaky_relu(v, alpha), f32x4_splat(floor))
            }
            Self::HardSwish => hard_swish(v),
            Self::Tanh => tanh(v),
            Self::ScaledHardSwish { scale, shift } => f32x4_add(
                f32x4_mul(hard_swish(v), f32x4_splat(scale)),
                f32x4_splat(shift),
            ),
        }
    }

    /// The activation on one value (lane 0 of [`Self::apply4`], so both agree exactly).
    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        f32x4_extract_lane::<0>(self.apply4(f32x4_splat(x)))
    }
}

/// x, or alpha · x below zero, on four lanes.
#[inline(always)]
fn leaky_relu(v: v128, alpha: f32) -> v128 {
    v128_bitselect(
        v,
        f32x4_mul(v, f32x4_splat(alpha)),
        f32x4_ge(v, f32x4_splat(0.0)),
    )
}

/// x · clamp(x/6 + 1/2, 0, 1) on four lanes.
#[inline(always)]
fn hard_swish(v: v128) -> v128 {
    let lin = f32x4_add(f32x4_mul(v, f32x4_splat(1.0 / 6.0)), f32x4_splat(0.5));
    f32x4_mul(
        v,
        f32x4_min(f32x4_max(lin, f32x4_splat(0.0)), f32x4_splat(1.0)),
    )
}

/// A bias broadcast over the output: element (i, j) is `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
pub struct Bias<'a> {
    pub data: &'a [f32],
    pub rs: usize,
    pub cs: usize,
}

impl Bias<'_> {
    #[inline(always)]
    fn load4(&self, i: usize, j: usize) -> v128 {
        let at = i * self.rs + j * self.cs;
        match self.cs {
            0 => f32x4_splat(self.data[at]),
            1 => load(self.data, at),
            cs => {
                let d = self.data;
                f32x4(d[at], d[at + cs], d[at + 2 * cs], d[at + 3 * cs])
            }
        }
    }
}

/// y = act(alpha · acc + beta · bias) for each output element.
#[derive(Clone, Copy)]
pub struct Epilogue<'a> {
    pub alpha: f32,
    pub beta: f32,
    pub bias: Option<Bias<'a>>,
    pub act: Activation,
}

impl<'a> Epilogue<'a> {
    /// Just the product.
    pub const NONE: Epilogue<'static> = Epilogue {
        alpha: 1.0,
        beta: 1.0,
        bias: None,
        act: Activation::None,
    };

    /// The product plus `bias`, activated.
    pub fn with(bias: Option<Bias<'a>>, act: Activation) -> Self {
        Epilogue {
            alpha: 1.0,
            beta: 1.0,
            bias,
            act,
        }
    }

    /// The bias when it is one value per row, added as is (element i of the slice is
    /// row i's): the micro-kernel starts its sums from it.
    #[inline(always)]
    pub fn row_bias(&self) -> Option<&'a [f32]> {
        match self.bias {
            Some(b) if b.cs == 0 && b.rs == 1 && self.alpha == 1.0 && self.beta == 1.0 => {
                Some(b.data)
            }
            _ => None,
        }
    }

    /// This epilogue less a bias [`Self::row_bias`] gives.
    #[inline(always)]
    pub fn without_row_bias(&self) -> Self {
        match self.row_bias() {
            Some(_) => Epilogue {
                bias: None,
                ..*self
            },
            None => *self,
        }
    }

    /// The epilogue of output elements (i, j..j+4).
    #[inline(always)]
    pub fn apply4(&self, v: v128, i: usize, j: usize) -> v128 {
        let mut v = v;
        if self.alpha != 1.0 {
            v = f32x4_mul(v, f32x4_splat(self.alpha));
        }
        if let Some(b) = &self.bias {
            let bv = b.load4(i, j);
            v = f32x4_add(
                v,
                if self.beta == 1.0 {
                    bv
                } else {
                    f32x4_mul(bv, f32x4_splat(self.beta))
                },
            );
        }
        self.act.apply4(v)
    }

    /// The epilogue of output element (i, j).
    #[inline(always)]
    pub fn apply(&self, x: f32, i: usize, j: usize) -> f32 {
        let mut x = x * self.alpha;
        if let Some(b) = &self.bias {
            x += self.beta * b.data[i * b.rs + j * b.cs];
        }
        self.act.apply(x)
    }
}
