/**
 * WASM kernel bindings of the elementwise family.
 * @module
 */
import { BINARY_KERNELS } from "./_elementwise_binary.ts";
import { MISC_KERNELS } from "./_elementwise_misc.ts";
import { UNARY_KERNELS } from "./_elementwise_unary.ts";
import type { KernelTable } from "./kernel.ts";

/** Kernel bindings of the elementwise family. */
export const ELEMENTWISE_KERNELS: KernelTable = {
  ...UNARY_KERNELS,
  ...BINARY_KERNELS,
  ...MISC_KERNELS,
};
