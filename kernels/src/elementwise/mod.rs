//! Elementwise kernels: unary math and activations, broadcasting binary arithmetic and
//! comparisons, selection, clipping and casts, over every ONNX element type meshrt
//! supports. float32 runs on SIMD128; other types go through generic code; float16
//! computes in f32. Ops arrive as small integer codes the TS bindings share.

/// Declares an op-code enum and its decoding from the host's integer.
macro_rules! op_codes {
    ($(#[$doc:meta])* $name:ident { $($op:ident = $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub enum $name {
            $($op = $code),*
        }

        impl $name {
            /// The op with this code, if any.
            pub fn from_code(code: i32) -> Option<Self> {
                match code {
                    $($code => Some(Self::$op),)*
                    _ => None,
                }
            }
        }
    };
}

pub mod binary;
pub mod broadcast;
pub mod cast;
pub mod num;
pub mod select;
pub mod unary;
pub mod unary_f32;
pub mod unary_f64;
