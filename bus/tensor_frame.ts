/**
 * TensorFrame encoding that leaves tensor bytes where they are: the frame becomes a list of
 * parts (small protobuf headers and views of each tensor's data) whose concatenation is the
 * frame's protobuf encoding, so `sendFrame` copies each tensor byte once, into
 * the outgoing message. Decoding needs no counterpart: `fromBinary` already views `bytes`
 * fields in place.
 * @module
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { type TensorFrame, TensorFrameSchema, WireTensorSchema } from "../proto/gen/mesh_pb.ts";
import { lengthDelimitedHeader } from "./_gather.ts";

/** TensorFrame's `tensors` field and WireTensor's `data` field. */
const TENSORS_FIELD = 3, DATA_FIELD = 4;

/**
 * The protobuf encoding of `frame`, as parts that reference its tensors' bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { create, fromBinary } from "@bufbuild/protobuf";
 * import { TensorFrameSchema } from "../proto/gen/mesh_pb.ts";
 * const frame = create(TensorFrameSchema, {
 *   requestId: "r1",
 *   tensors: [{ name: "x", dtype: "uint8", dims: [2n], data: new Uint8Array([7, 9]) }],
 * });
 * const parts = encodeTensorFrame(frame);
 * const bytes = new Uint8Array(parts.flatMap((p) => [...p]));
 * assert.deepEqual(fromBinary(TensorFrameSchema, bytes).tensors[0].data, new Uint8Array([7, 9]));
 * ```
 */
export function encodeTensorFrame(frame: TensorFrame): Uint8Array[] {
  const parts: Uint8Array[] = [
    toBinary(TensorFrameSchema, create(TensorFrameSchema, { ...frame, tensors: [] })),
  ];
  for (const t of frame.tensors) {
    const meta = toBinary(
      WireTensorSchema,
      create(WireTensorSchema, { ...t, data: new Uint8Array(0) }),
    );
    const dataHeader = lengthDelimitedHeader(DATA_FIELD, t.data.length);
    const length = meta.length + dataHeader.length + t.data.length;
    parts.push(lengthDelimitedHeader(TENSORS_FIELD, length), meta, dataHeader, t.data);
  }
  return parts;
}
