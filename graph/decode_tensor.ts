/**
 * TensorProto → HostTensor, with every storage form ONNX allows (raw_data, typed fields,
 * external data), checked against the declared shape.
 * @module
 */
import type { TensorProto } from "../proto/gen/onnx_pb.ts";
import { type DType, dtypeBytes, dtypeFromOnnx, onnxTypeName, typedAlloc } from "./dtype.ts";
import { ModelLoadError, UnsupportedDTypeError } from "./errors.ts";
import type { HostTensor } from "./ir.ts";

/** Resolves an external-data location (relative path) to its bytes. */
export type ExternalDataResolver = (location: string) => Uint8Array | undefined;

/** Largest element count one tensor may declare: bounds allocations from untrusted models. */
const MAX_ELEMENTS = 2 ** 31;

/**
 * Decodes one TensorProto.
 * @param proto the decoded protobuf message
 * @param external resolves external data files, if the model has any
 * @param nodeName the node that holds it (attributes), for error messages
 * @returns the tensor, its data copied into a fresh aligned typed array
 * @throws {UnsupportedDTypeError} for string, bfloat16, float8, int4 and complex tensors
 * @throws {ModelLoadError} when the data does not match the declared shape
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { create } from "@bufbuild/protobuf";
 * import { TensorProtoSchema } from "../proto/gen/onnx_pb.ts";
 * const t = decodeTensor(create(TensorProtoSchema, { dataType: 1, dims: [2n], floatData: [1, 2] }));
 * assert.deepEqual(Array.from(t.data as Float32Array), [1, 2]);
 * ```
 */
export function decodeTensor(
  proto: TensorProto,
  external?: ExternalDataResolver,
  nodeName?: string,
): HostTensor {
  const name = proto.name || "(unnamed)";
  const dtype = dtypeFromOnnx(proto.dataType);
  if (!dtype) throw new UnsupportedDTypeError(onnxTypeName(proto.dataType), name, nodeName);
  const dims = proto.dims.map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new ModelLoadError(`Cannot load tensor "${name}": dims [${dims}] are invalid`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS) {
    throw new ModelLoadError(`Cannot load tensor "${name}": ${count} elements exceed the limit`);
  }
  const data = typedAlloc(dtype, count);
  const raw = proto.dataLocation === 1 ? readExternal(proto, name, external) : proto.rawData;
  if (raw.length > 0 || proto.dataLocation === 1) {
    const want = count * dtypeBytes(dtype);
    if (raw.length !== want) {
      throw new ModelLoadError(
        `Cannot load tensor "${name}": it has ${raw.length} bytes of data, its shape needs ${want}`,
      );
    }
    new Uint8Array(data.buffer).set(raw);
    return { dtype, dims, data };
  }
  const typed = typedField(proto, dtype);
  if (typed.length !== count) {
    throw new ModelLoadError(
      `Cannot load tensor "${name}": it has ${typed.length} values, its shape needs ${count}`,
    );
  }
  fillFromField(data, typed, dtype);
  return { dtype, dims, data };
}

function typedField(proto: TensorProto, dtype: DType): ArrayLike<number | bigint> {
  switch (dtype) {
    case "float32":
      return proto.floatData;
    case "float64":
      return proto.doubleData;
    case "int64":
      return proto.int64Data;
    case "uint32":
    case "uint64":
      return proto.uint64Data;
    default:
      return proto.int32Data;
  }
}

function fillFromField(
  data: HostTensor["data"],
  values: ArrayLike<number | bigint>,
  dtype: DType,
): void {
  const big = dtype === "int64" || dtype === "uint64";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    (data as unknown as (number | bigint)[])[i] = big ? BigInt(v) : Number(v);
  }
}

function readExternal(
  proto: TensorProto,
  name: string,
  external: ExternalDataResolver | undefined,
): Uint8Array {
  const entries = new Map(proto.externalData.map((e) => [e.key, e.value]));
  const location = entries.get("location");
  if (!location) {
    throw new ModelLoadError(`Cannot load tensor "${name}": its external data has no location`);
  }
  const file = external?.(location);
  if (!file) {
    throw new ModelLoadError(
      `Cannot load tensor "${name}": its data is in external file "${location}", which was not given`,
    );
  }
  const offset = Number(entries.get("offset") ?? 0);
  const length = entries.has("length") ? Number(entries.get("length")) : file.length - offset;
  if (!(offset >= 0 && length >= 0 && offset + length <= file.length)) {
    throw new ModelLoadError(
      `Cannot load tensor "${name}": bytes ${offset}..${
        offset + length
      } lie outside "${location}" (${file.length} bytes)`,
    );
  }
  return file.subarray(offset, offset + length);
}
