/**
 * One tensor between the protocol's forms (JSON data, flat or nested; raw little-endian
 * bytes of the binary extension) and a {@linkcode Tensor}.
 * @module
 */
import { type DType, dtypeBytes, typedAlloc, typedView } from "../../graph/dtype.ts";
import { Tensor } from "../../graph/tensor.ts";
import { float16ToFloat32 } from "../../graph/float16.ts";
import { dtypeOfV2, v2Datatype } from "./datatypes.ts";
import { BadRequestError } from "./errors.ts";

/** A tensor as the protocol's JSON carries it. */
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data?: unknown;
  parameters?: Record<string, unknown>;
}

/**
 * Reads a request tensor from its JSON form, or from `binary` when the binary extension
 * carried its data.
 * @param input the tensor's JSON entry
 * @param binary its raw bytes, when `parameters.binary_data_size` was given
 * @returns the tensor
 * @throws {BadRequestError} naming the tensor on a bad datatype, shape or data
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = decodeTensor({ name: "x", shape: [2, 2], datatype: "FP32", data: [[1, 2], [3, 4]] });
 * assert.deepEqual(t.dims, [2, 2]);
 * ```
 */
export function decodeTensor(input: V2Tensor, binary?: Uint8Array): Tensor {
  const name = String(input?.name ?? "");
  if (!name) throw new BadRequestError("Cannot read an input: it has no name");
  const dtype = dtypeOfV2(String(input.datatype));
  if (!dtype) {
    throw new BadRequestError(
      `Cannot read input "${name}": datatype "${input.datatype}" is not supported`,
      name,
    );
  }
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new BadRequestError(
      `Cannot read input "${name}": shape must be non-negative integers`,
      name,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const data = binary ? fromBytes(name, dtype, binary, count) : fromJson(name, dtype, input.data);
  if (data.length !== count) {
    throw new BadRequestError(
      `Cannot read input "${name}": shape [${shape}] needs ${count} elements, data has ${data.length}`,
      name,
    );
  }
  return new Tensor(dtype, data, shape);
}

function fromBytes(name: string, dtype: DType, bytes: Uint8Array, count: number) {
  const size = dtypeBytes(dtype);
  if (bytes.length !== count * size) {
    throw new BadRequestError(
      `Cannot read input "${name}": ${bytes.length} bytes of binary data, expected ${count * size}`,
      name,
    );
  }
  // A copy: the view must start at an offset aligned for its element type.
  return typedView(dtype, bytes.slice().buffer, 0, count);
}

function fromJson(name: string, dtype: DType, data: unknown) {
  if (!Array.isArray(data)) {
    throw new BadRequestError(`Cannot read input "${name}": "data" must be an array`, name);
  }
  const flat = data.flat(Infinity) as unknown[];
  const out = typedAlloc(dtype, flat.length);
  const put = setter(dtype, out);
  flat.forEach((v, i) => {
    if (!put(v, i)) {
      throw new BadRequestError(
        `Cannot read input "${name}": element ${i} (${JSON.stringify(v)}) is not a valid ${
          v2Datatype(dtype)
        }`,
        name,
      );
    }
  });
  return out;
}

/** Writes one JSON value into `out[i]`; false when the value does not fit the type. */
function setter(dtype: DType, out: ArrayLike<unknown>): (v: unknown, i: number) => boolean {
  const slots = out as unknown as (number | bigint)[];
  if (dtype === "bool") {
    return (v, i) => typeof v === "boolean" && ((slots[i] = v ? 1 : 0), true);
  }
  if (dtype === "float16") {
    const half = new Float16Array(1), bits = new Uint16Array(half.buffer);
    return (v, i) => typeof v === "number" && ((half[0] = v), (slots[i] = bits[0]), true);
  }
  if (dtype === "float32" || dtype === "float64") {
    return (v, i) => typeof v === "number" && ((slots[i] = v), true);
  }
  const big = dtype === "int64" || dtype === "uint64";
  const probe = typedAlloc(dtype, 1) as unknown as (number | bigint)[];
  return (v, i) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v)) return false;
    probe[0] = big ? BigInt(v) : v;
    if (Number(probe[0]) !== v) return false; // out of the type's range
    slots[i] = probe[0];
    return true;
  };
}

/**
 * A response tensor's JSON data: a flat array of numbers (booleans for BOOL).
 * @param t the tensor
 * @returns its elements in row-major order
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * assert.deepEqual(jsonData(new Tensor("int64", [1n, 2n])), [1, 2]);
 * ```
 */
export function jsonData(t: Tensor): (number | boolean)[] {
  const values = Array.from(t.data as ArrayLike<number | bigint>);
  if (t.type === "bool") return values.map((v) => v !== 0);
  if (t.type === "float16") return values.map((v) => float16ToFloat32(Number(v)));
  return values.map(Number);
}

/**
 * A tensor's raw little-endian bytes, as the binary extension sends them.
 * @param t the tensor
 * @returns a view of its data
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * assert.equal(rawBytes(new Tensor("float32", [1, 2])).length, 8);
 * ```
 */
export function rawBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
