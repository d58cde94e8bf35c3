/**
 * WebGPU kernels of the movement family.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";

/** Kernels by op name. */
export const MOVEMENT_GPU_KERNELS: GpuKernelTable = {};
