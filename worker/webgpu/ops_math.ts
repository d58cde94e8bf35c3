/**
 * WebGPU kernels of the math family: elementwise ops, softmax, reductions, normalization.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";
import { BINARY_GPU_KERNELS } from "./math_binary.ts";
import { ELEMENTWISE_GPU_KERNELS } from "./math_elementwise.ts";
import { NORM_GPU_KERNELS } from "./math_norm.ts";
import { REDUCE_GPU_KERNELS } from "./math_reduce.ts";

/** Kernels by op name. */
export const MATH_GPU_KERNELS: GpuKernelTable = {
  ...ELEMENTWISE_GPU_KERNELS,
  ...BINARY_GPU_KERNELS,
  ...REDUCE_GPU_KERNELS,
  ...NORM_GPU_KERNELS,
};
