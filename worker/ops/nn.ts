/**
 * WASM kernel bindings of the nn family, one nn_*.ts file per group of ops.
 * @module
 */
import type { KernelTable } from "./kernel.ts";
import { CONV_KERNELS } from "./nn_conv.ts";
import { GEMM_KERNELS } from "./nn_gemm.ts";
import { NORM_KERNELS } from "./nn_norm.ts";
import { POOL_KERNELS } from "./nn_pool.ts";

/** Kernel bindings of the nn family. */
export const NN_KERNELS: KernelTable = {
  ...GEMM_KERNELS,
  ...CONV_KERNELS,
  ...POOL_KERNELS,
  ...NORM_KERNELS,
};
