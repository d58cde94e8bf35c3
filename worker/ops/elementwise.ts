/**
 * WASM kernel bindings of the elementwise family.
 * @module
 */
import type { KernelArgs, KernelTable } from "./kernel.ts";

function relu({ inputs: [x], outputs: [y], kernels }: KernelArgs): void {
  kernels.call("relu_f32", x!.ptr, y.ptr, y.size);
}

function add({ inputs: [a, b], outputs: [y], kernels }: KernelArgs): void {
  if (a!.size !== y.size || b!.size !== y.size) throw new Error("broadcast not yet bound");
  kernels.call("add_f32", a!.ptr, b!.ptr, y.ptr, y.size);
}

/** Kernel bindings of the elementwise family. */
export const ELEMENTWISE_KERNELS: KernelTable = { Relu: relu, Add: add };
