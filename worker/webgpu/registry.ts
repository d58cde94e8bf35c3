/**
 * The one table from ONNX op name to its WebGPU kernel.
 * @module
 */
import type { GpuKernel, GpuKernelTable } from "./kernel.ts";
import { MATH_GPU_KERNELS } from "./ops_math.ts";
import { NN_GPU_KERNELS } from "./ops_nn.ts";
import { MOVEMENT_GPU_KERNELS } from "./ops_movement.ts";

const TABLE: GpuKernelTable = {
  ...MATH_GPU_KERNELS,
  ...NN_GPU_KERNELS,
  ...MOVEMENT_GPU_KERNELS,
};

/**
 * The WebGPU kernel of an op, if there is one.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(gpuKernel("NoSuchOp"), undefined);
 * ```
 */
export function gpuKernel(opType: string): GpuKernel<unknown> | undefined {
  return TABLE[opType] as GpuKernel<unknown> | undefined;
}

/** Ops the WebGPU backend has kernels for (each may still decline a node by its types). */
export function gpuOps(): string[] {
  return Object.keys(TABLE).sort();
}
