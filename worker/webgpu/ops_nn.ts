/**
 * WebGPU kernels of the nn family: MatMul, Gemm and the convolutions on one tiled GEMM
 * core (nn_tiled.ts), and the pooling ops.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";
import { CONV_GPU_KERNELS } from "./nn_conv.ts";
import { GEMM_GPU_KERNELS } from "./nn_gemm.ts";
import { POOL_GPU_KERNELS } from "./nn_pool.ts";

/** Kernels by op name. */
export const NN_GPU_KERNELS: GpuKernelTable = {
  ...GEMM_GPU_KERNELS,
  ...CONV_GPU_KERNELS,
  ...POOL_GPU_KERNELS,
};
