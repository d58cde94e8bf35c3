//! Raw exports of the movement kernels.
