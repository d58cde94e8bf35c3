//! Quantization kernels: linear (de)quantization, dynamic quantization, and the integer
//! products behind MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv.
pub mod cast;
pub mod conv;
pub mod elem;
pub mod igemm;
pub mod linear;
pub mod matmul;
pub mod requant;
