/**
 * The contract between the executor and a WebGPU kernel: the executor places a node on
 * WebGPU when the kernel `supports` it, then hands `run` device tensors whose shapes the
 * schema inferred; `run` only records dispatches.
 * @module
 */
import type { Node, TensorType } from "../../graph/ir.ts";
import type { Kernels } from "../../kernels/mod.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { GpuDevice } from "./device.ts";

/** What a kernel sees when the executor asks whether it can run a node. */
export interface GpuSupportQuery<P = unknown> {
  node: Node;
  /** The schema's parsed attributes. */
  params: P;
  /** Static input types (dims may be symbolic or missing); undefined for left-out inputs. */
  inputs: readonly (TensorType | undefined)[];
  /** Static output types, as shape inference found them. */
  outputs: readonly (TensorType | undefined)[];
  /** Whether the device takes `f16` shaders. */
  f16: boolean;
}

/** What a kernel receives for one node execution. */
export interface GpuKernelArgs<P = unknown> {
  node: Node;
  params: P;
  /**
   * Inputs in node order: device tensors, except those listed in the kernel's
   * `hostInputs`, which stay in host memory (read them with `values`).
   */
  inputs: readonly (RuntimeTensor | undefined)[];
  /** Outputs, already allocated on the device with the inferred shapes. */
  outputs: readonly RuntimeTensor[];
  gpu: GpuDevice;
  /** The WASM kernels, for host-side tables (index maps, taps) built in arena scratch. */
  kernels: Kernels;
  /** Temporary arena bytes valid until `run` returns; returns their offset. */
  scratch(bytes: number): number;
  /** The elements of host input `index` as numbers (int64 converted); undefined if absent. */
  values(index: number): number[] | undefined;
}

/** Runs one op on WebGPU. */
export interface GpuKernel<P = unknown> {
  /** Inputs the kernel reads on the host (axes, pads, shapes) instead of on the device. */
  hostInputs?: readonly number[];
  /**
   * Whether this kernel runs the node as typed; false sends the node to the next provider.
   * Decide from dtypes, ranks and attributes, never from data.
   */
  supports(query: GpuSupportQuery<P>): boolean;
  /** Records the node's dispatches. */
  run(args: GpuKernelArgs<P>): void;
}

/** A family's kernels by ONNX op name. */
export type GpuKernelTable = Record<string, GpuKernel<never>>;
