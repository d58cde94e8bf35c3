/**
 * The public tensor type, shaped like onnxruntime-web's: a type string, data, dims.
 * @module
 */
import { type DType, isDType, typedAlloc, type TypedArray } from "./dtype.ts";
import { sizeOf } from "./ir.ts";

/** Data accepted for each type: its typed array, or plain numbers/bigints/booleans. */
export type TensorData = TypedArray | readonly number[] | readonly bigint[] | readonly boolean[];

/**
 * A tensor: element type, flat row-major data and dims.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = new Tensor("float32", [1, 2, 3, 4], [2, 2]);
 * assert.equal(t.size, 4);
 * assert.ok(t.data instanceof Float32Array);
 * ```
 */
export class Tensor {
  readonly type: DType;
  readonly data: TypedArray;
  readonly dims: readonly number[];

  /**
   * @param type element type ("float32", "int64", "bool", ...)
   * @param data typed array of that type (float16: Uint16Array bits), or plain values
   * @param dims shape; defaults to a 1-D tensor of the data's length
   * @throws {TypeError} on an unknown type or data of the wrong kind
   * @throws {RangeError} when the data length does not match the dims
   */
  constructor(type: DType, data: TensorData, dims?: readonly number[]) {
    if (!isDType(type)) {
      throw new TypeError(`Cannot create tensor: type "${type}" is not supported`);
    }
    this.type = type;
    this.data = toTypedArray(type, data);
    this.dims = dims ? [...dims] : [this.data.length];
    if (this.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new RangeError(`Cannot create tensor: dims [${this.dims}] are invalid`);
    }
    if (sizeOf(this.dims) !== this.data.length) {
      throw new RangeError(
        `Cannot create tensor: dims [${this.dims}] need ${
          sizeOf(this.dims)
        } elements, data has ${this.data.length}`,
      );
    }
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }
}

function toTypedArray(type: DType, data: TensorData): TypedArray {
  const want = typedAlloc(type, 0).constructor as { name: string };
  if (ArrayBuffer.isView(data)) {
    if (data.constructor.name !== want.name) {
      throw new TypeError(
        `Cannot create tensor: a "${type}" tensor needs ${want.name}, got ${data.constructor.name}`,
      );
    }
    return data;
  }
  const out = typedAlloc(type, data.length);
  const big = type === "int64" || type === "uint64";
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    (out as unknown as (number | bigint)[])[i] = big ? BigInt(v) : Number(v);
  }
  return out;
}
