//! meshrt tensor kernels for wasm32 SIMD128. No dependencies, no allocation: every buffer,
//! scratch included, is handed in by the caller, which owns the linear memory above
//! `__heap_base`. Raw exports live in `exports/`; everything else is safe Rust over slices.
#![no_std]

mod half;
mod math;
mod simd;

mod conv;
mod elementwise;
mod gemm;
mod movement;
mod norm;
mod pool;
mod quant;
mod reduce;
mod rnn;

pub mod exports;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
