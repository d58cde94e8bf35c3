/**
 * WebGPU kernels of the movement family. Reshape, Flatten, Squeeze, Unsqueeze and
 * Identity need none: the executor aliases their input wherever it lives.
 * @module
 */
import type { GpuKernelTable } from "./kernel.ts";
import { INDEX_GPU_KERNELS } from "./movement_index.ts";
import { LAYOUT_GPU_KERNELS } from "./movement_layout.ts";
import { PAD_GPU_KERNEL } from "./movement_maps.ts";
import { RESIZE_GPU_KERNEL } from "./movement_resize.ts";

/** Kernels by op name. */
export const MOVEMENT_GPU_KERNELS: GpuKernelTable = {
  ...LAYOUT_GPU_KERNELS,
  ...INDEX_GPU_KERNELS,
  Pad: PAD_GPU_KERNEL,
  Resize: RESIZE_GPU_KERNEL,
  Upsample: RESIZE_GPU_KERNEL,
};
