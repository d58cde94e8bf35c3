/**
 * The one table from ONNX op name to its WASM kernel binding.
 * @module
 */
import type { KernelTable, WasmKernel } from "./kernel.ts";
import { ELEMENTWISE_KERNELS } from "./elementwise.ts";
import { REDUCE_KERNELS } from "./reduce.ts";
import { MOVEMENT_KERNELS } from "./movement.ts";
import { NN_KERNELS } from "./nn.ts";
import { RNN_KERNELS } from "./rnn.ts";
import { QUANT_KERNELS } from "./quant.ts";

const TABLE: KernelTable = {
  ...ELEMENTWISE_KERNELS,
  ...REDUCE_KERNELS,
  ...MOVEMENT_KERNELS,
  ...NN_KERNELS,
  ...RNN_KERNELS,
  ...QUANT_KERNELS,
};

/**
 * The WASM kernel binding of an op, if there is one.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(typeof wasmKernel("Relu"), "function");
 * ```
 */
export function wasmKernel(opType: string): WasmKernel<unknown> | undefined {
  return TABLE[opType] as WasmKernel<unknown> | undefined;
}

/** Ops the WASM backend runs. */
export function wasmOps(): string[] {
  return Object.keys(TABLE).sort();
}
