//! Reductions and the ops built on them: Reduce*, ArgMax/ArgMin, Softmax, LogSoftmax,
//! Hardmax, CumSum, TopK, LayerNormalization and Einsum. Single-axis kernels see their
//! input as `[outer, n, inner]`: `n` elements along the axis, `inner` apart.
mod cumsum;
mod einsum;
mod elem;
mod fold;
mod layernorm;
mod rows;
mod softmax;
mod topk;

pub use cumsum::cumsum;
pub use einsum::{batched_gemm, einsum, Plan, MAX_LOOPS};
pub use elem::{Bool, Elem};
pub use fold::{arg_reduce, reduce, Finish, Fold};
pub use layernorm::{layernorm, layernorm_f32, Affine, Stats};
pub use rows::{arg_reduce_f32, reduce_f32};
pub use softmax::{softmax, softmax_f32, Mode};
pub use topk::{topk, Entry, TopK};
