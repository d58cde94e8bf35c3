//! Raw exports of the reduce kernels.
