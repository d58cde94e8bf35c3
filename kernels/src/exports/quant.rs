//! Raw exports of the quant kernels.
