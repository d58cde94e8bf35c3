//! rnn kernels.
