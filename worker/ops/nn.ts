/**
 * WASM kernel bindings of the nn family.
 * @module
 */
import type { KernelArgs, KernelTable } from "./kernel.ts";

function matmul({ inputs: [a, b], outputs: [y], kernels }: KernelArgs): void {
  const k = a!.dims[a!.dims.length - 1];
  const n = b!.dims[b!.dims.length - 1];
  const m = a!.size / k;
  kernels.call("matmul_f32", a!.ptr, b!.ptr, y.ptr, m, k, n);
}

/** Kernel bindings of the nn family. */
export const NN_KERNELS: KernelTable = { MatMul: matmul };
