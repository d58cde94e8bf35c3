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

/** A tensor in the arena. Kernels get its pointer, shape-like rules its values. */
export class RuntimeTensor {
  readonly size: number;
  constructor(
    readonly dtype: DType,
    readonly dims: readonly number[],
    readonly buffer: ArenaBuffer,
  ) {
    this.size = sizeOf(dims);
  }

  /** Byte offset of the first element in linear memory. */
  get ptr(): number {
    return this.buffer.offset;
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
