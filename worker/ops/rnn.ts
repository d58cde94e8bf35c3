/**
 * WASM kernel bindings of the rnn family.
 * @module
 */
import type { KernelTable } from "./kernel.ts";

/** Kernel bindings of the rnn family. */
export const RNN_KERNELS: KernelTable = {};
