/**
 * Tensors ↔ their wire form (mesh.proto WireTensor): raw little-endian bytes.
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { type WireTensor, WireTensorSchema } from "../proto/gen/mesh_pb.ts";
import { dtypeBytes, isDType, typedAlloc } from "./dtype.ts";
import { Tensor } from "./tensor.ts";

/**
 * The wire form of a named tensor (its bytes are viewed, not copied).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "./tensor.ts";
 * const wire = toWire("x", new Tensor("int64", [1n, 2n], [2]));
 * assert.deepEqual(fromWire(wire).data, new BigInt64Array([1n, 2n]));
 * ```
 */
export function toWire(name: string, t: Tensor): WireTensor {
  return create(WireTensorSchema, {
    name,
    dtype: t.type,
    dims: t.dims.map(BigInt),
    data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  });
}

/**
 * The tensor a wire form holds (bytes copied into an aligned array).
 * @throws {TypeError} on an unknown dtype
 * @throws {RangeError} when the bytes do not fit the dims
 */
export function fromWire(w: WireTensor): Tensor {
  if (!isDType(w.dtype)) {
    throw new TypeError(`Cannot decode tensor "${w.name}": type "${w.dtype}" is unknown`);
  }
  const dims = w.dims.map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (w.data.length !== count * dtypeBytes(w.dtype)) {
    throw new RangeError(
      `Cannot decode tensor "${w.name}": ${w.data.length} bytes do not fit dims [${dims}]`,
    );
  }
  const data = typedAlloc(w.dtype, count);
  new Uint8Array(data.buffer).set(w.data);
  return new Tensor(w.dtype, data, dims);
}
