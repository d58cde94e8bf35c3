/**
 * WebGPU kernels of the nn family.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";

/** Kernels by op name. */
export const NN_GPU_KERNELS: GpuKernelTable = {};
