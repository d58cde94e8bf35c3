/**
 * The contract between the executor and a WASM kernel binding: shapes come in computed,
 * outputs come in allocated; the binding only calls into the kernels module.
 * @module
 */
import type { Kernels } from "../../kernels/mod.ts";
import type { Node } from "../../graph/ir.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";

/** What a kernel binding receives for one node execution. */
export interface KernelArgs<P = unknown> {
  node: Node;
  /** The schema's parsed attributes. */
  params: P;
  /** Inputs in node order; undefined where the node leaves an optional input out. */
  inputs: readonly (RuntimeTensor | undefined)[];
  /** Outputs, already allocated with the shapes the schema inferred. */
  outputs: readonly RuntimeTensor[];
  kernels: Kernels;
  /** Temporary bytes valid until the binding returns; returns their offset. */
  scratch(bytes: number): number;
  /** Writes small int32 arrays (shapes, strides, axes) into scratch; returns the offset. */
  i32s(values: readonly number[]): number;
}

/** Runs one node on the WASM backend. */
export type WasmKernel<P = unknown> = (args: KernelArgs<P>) => void;

/** Declares a kernel binding table for a family of ops. */
export type KernelTable = Record<string, WasmKernel<never>>;
