//! Raw exports of the rnn kernels.
