/**
 * WASM kernel bindings of the quant family.
 * @module
 */
import type { KernelTable } from "./kernel.ts";

/** Kernel bindings of the quant family. */
export const QUANT_KERNELS: KernelTable = {};
