#!/usr/bin/env bash
# Builds the kernels for wasm32 twice: with relaxed-simd and without (picked at load time
# by feature detection), and copies them into kernels/pkg/.
set -euo pipefail
cd "$(dirname "$0")"
[ -x /usr/bin/rustc ] && command -v wasm-ld >/dev/null || {
  echo "The wasm32 Rust toolchain is missing: apt-get install -y rustc-web cargo-web rust-web-src lld" >&2
  exit 1
}
build() { # $1: target-feature list, $2: target dir
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C linker=wasm-ld -C target-feature=$1 \
-C link-arg=--export=__heap_base -C link-arg=-zstack-size=1048576" \
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --quiet --offline --release \
    --target wasm32-unknown-unknown -Zbuild-std=core,panic_abort --target-dir "$2"
}
build "+simd128,+relaxed-simd" target/relaxed
build "+simd128" target/simd
mkdir -p pkg
cp target/relaxed/wasm32-unknown-unknown/release/meshrt_kernels.wasm pkg/meshrt_kernels_relaxed.wasm
cp target/simd/wasm32-unknown-unknown/release/meshrt_kernels.wasm pkg/meshrt_kernels_simd.wasm
ls -l pkg/*.wasm
