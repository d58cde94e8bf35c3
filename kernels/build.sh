#!/usr/bin/env bash
# Builds the kernels for wasm32 four times: with relaxed-simd and without (picked at load
# time by feature detection), each single-threaded and threaded (atomics over an imported
# shared memory, for intra-op threads), and copies them into kernels/pkg/.
set -euo pipefail
cd "$(dirname "$0")"
[ -x /usr/bin/rustc ] && command -v wasm-ld >/dev/null || {
  echo "The wasm32 Rust toolchain is missing: apt-get install -y rustc-web cargo-web rust-web-src lld" >&2
  exit 1
}
# The threaded builds import their memory: it starts at 32 pages (THREADED_INITIAL_PAGES in
# mod.ts) and may grow to 4 GiB; every instance exports its own __stack_pointer so that
# each thread can be given its own stack.
THREADED="-C link-arg=--shared-memory -C link-arg=--import-memory \
-C link-arg=--initial-memory=2097152 -C link-arg=--max-memory=4294967296 \
-C link-arg=--export=__stack_pointer"
build() { # $1: target-feature list, $2: target dir, $3: extra flags
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C linker=wasm-ld -C target-feature=$1 \
-C link-arg=--export=__heap_base -C link-arg=-zstack-size=1048576 ${3:-}" \
  RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --quiet --offline --release \
    --target wasm32-unknown-unknown -Zbuild-std=core,panic_abort --target-dir "$2"
}
ATOMICS="+atomics,+bulk-memory,+mutable-globals"
build "+simd128,+relaxed-simd" target/relaxed
build "+simd128" target/simd
build "+simd128,+relaxed-simd,$ATOMICS" target/relaxed-threads "$THREADED"
build "+simd128,$ATOMICS" target/simd-threads "$THREADED"
mkdir -p pkg
for variant in relaxed simd relaxed-threads simd-threads; do
  cp "target/$variant/wasm32-unknown-unknown/release/meshrt_kernels.wasm" \
    "pkg/meshrt_kernels_${variant//-/_}.wasm"
done
ls -l pkg/*.wasm
