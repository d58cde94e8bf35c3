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
  /**
   * Bytes derived once from a constant input and kept while the session lives (a weight
   * packed for a kernel), keyed by that input and `kind`: the first call allocates them and
   * has `fill` write them, with kernels whose calls no tape records; later calls return the
   * same offset.
   */
  derived(
    from: RuntimeTensor,
    kind: string,
    bytes: number,
    fill: (offset: number, kernels: Kernels) => void,
  ): number;
}

/** Runs one node on the WASM backend. */
export type WasmKernel<P = unknown> = (args: KernelArgs<P>) => void;

/** Declares a kernel binding table for a family of ops. */
export type KernelTable = Record<string, WasmKernel<never>>;
