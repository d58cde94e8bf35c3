/**
 * WebGPU kernels of the math family: elementwise ops, softmax, reductions, normalization.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";
import { ELEMENTWISE_GPU_KERNELS } from "./math_elementwise.ts";
import { REDUCE_GPU_KERNELS } from "./math_reduce.ts";

/** Kernels by op name. */
export const MATH_GPU_KERNELS: GpuKernelTable = {
  ...ELEMENTWISE_GPU_KERNELS,
  ...REDUCE_GPU_KERNELS,
};
