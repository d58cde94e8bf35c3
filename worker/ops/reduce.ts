/**
 * WASM kernel bindings of the reduce family.
 * @module
 */
import type { KernelTable } from "./kernel.ts";

/** Kernel bindings of the reduce family. */
export const REDUCE_KERNELS: KernelTable = {};
