//! Recurrent kernels: LSTM, GRU and the simple RNN. Each direction projects every time
//! step's input at once (one GEMM), then per step multiplies the hidden state by the
//! recurrence weights and applies the fused gate math.
mod activation;
mod gemm;
mod vector;

pub mod gru;
pub mod lstm;
pub mod sequence;
pub mod simple;

pub use activation::Activation;
