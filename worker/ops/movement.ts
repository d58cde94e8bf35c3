/**
 * WASM kernel bindings of the movement family. Reshape, Flatten, Squeeze and Unsqueeze
 * need none: the executor aliases their input.
 * @module
 */
import type { KernelTable } from "./kernel.ts";
import { COPY_KERNELS } from "./movement_copy.ts";
import { INDEX_KERNELS } from "./movement_index.ts";
import { RESIZE_KERNELS } from "./movement_resize.ts";
import { SHAPE_KERNELS } from "./movement_shape.ts";

/** Kernel bindings of the movement family. */
export const MOVEMENT_KERNELS: KernelTable = {
  ...SHAPE_KERNELS,
  ...COPY_KERNELS,
  ...INDEX_KERNELS,
  ...RESIZE_KERNELS,
};
