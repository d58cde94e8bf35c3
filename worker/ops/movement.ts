/**
 * WASM kernel bindings of the movement family.
 * @module
 */
import type { KernelTable } from "./kernel.ts";

/** Kernel bindings of the movement family. */
export const MOVEMENT_KERNELS: KernelTable = {};
