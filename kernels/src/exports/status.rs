//! The status codes every export returns: one table for all kernel families, which the TS
//! loader (`kernels/mod.ts`) mirrors to give each code its reason.

/// The kernel accepted its arguments and ran.
pub const OK: i32 = 0;
/// A length, shape, size or configuration value does not fit the buffers or the op.
pub const BAD_ARGS: i32 = 1;
/// An activation code the kernel does not know.
pub const BAD_ACTIVATION: i32 = 2;
/// The scratch (workspace) buffer is smaller than the kernel needs.
pub const SHORT_SCRATCH: i32 = 3;
/// An index value lies outside its axis.
pub const BAD_INDEX: i32 = 4;
/// An element type, element width, op code or mode the kernel does not take.
pub const BAD_TYPE: i32 = 5;
/// A pointer is not aligned for its element type.
pub const BAD_POINTER: i32 = 6;
