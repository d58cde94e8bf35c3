/**
 * A tensor living in the arena during a run: type, concrete dims and a shared buffer.
 * @module
 */
import { type DType, dtypeBytes, type TypedArray, typedView } from "../../graph/dtype.ts";
import { sizeOf } from "../../graph/ir.ts";

/** An arena block shared by a tensor and its aliases (Reshape outputs and the like). */
export interface ArenaBuffer {
  offset: number;
  bytes: number;
  refs: number;
  /** Weights and constants: never freed during a run. */
  persistent: boolean;
}

/** A WebGPU storage buffer shared by a tensor and its aliases. */
export interface DeviceBuffer {
  gpu: GPUBuffer;
  bytes: number;
  refs: number;
  /** Weights uploaded once: never recycled during a run. */
  persistent: boolean;
}

/**
 * A tensor during a run: in the arena (host memory, where WASM kernels see it) or in a
 * WebGPU buffer. Kernels get its pointer or buffer, shape-like rules its values.
 */
export class RuntimeTensor {
  readonly size: number;
  constructor(
    readonly dtype: DType,
    readonly dims: readonly number[],
    readonly buffer: ArenaBuffer | DeviceBuffer,
  ) {
    this.size = sizeOf(dims);
  }

  /** Whether the elements live in a WebGPU buffer. */
  get onDevice(): boolean {
    return "gpu" in this.buffer;
  }

  /** Byte offset of the first element in linear memory; host tensors only. */
  get ptr(): number {
    return (this.buffer as ArenaBuffer).offset;
  }

  /**
   * The WebGPU buffer holding the elements; device tensors only.
   * @throws {TypeError} for a tensor in host memory
   */
  get gpu(): GPUBuffer {
    if (!("gpu" in this.buffer)) throw new TypeError("tensor is in host memory, not on the device");
    return this.buffer.gpu;
  }

  /** Bytes of the elements. */
  get byteLength(): number {
    return this.size * dtypeBytes(this.dtype);
  }

  /** A typed view of the elements over `memory` (valid until the memory grows). */
  view(memory: WebAssembly.Memory): TypedArray {
    return typedView(this.dtype, memory.buffer, this.ptr, this.size);
  }

  /** The elements as numbers (int64 converted), for small shape-like tensors. */
  numbers(memory: WebAssembly.Memory): number[] {
    return Array.from(this.view(memory) as ArrayLike<number | bigint>, Number);
  }
}
