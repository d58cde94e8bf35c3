/**
 * Frames of any size over a bus whose messages are capped at `maxPayload`. A small frame
 * travels as one message. A large one is offered first (a request that a queue group
 * delivers to exactly one member); that member answers with a private inbox, and the
 * chunks follow there, checked with a CRC-32 (computed as they arrive) once reassembled.
 * @module
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type FrameChunk, FrameChunkSchema } from "../proto/gen/mesh_pb.ts";
import type { Bus, BusSubscription, SubscribeOptions } from "./bus.ts";
import { type Bytes, lengthDelimitedHeader, PartReader, partsOf, totalLength } from "./_gather.ts";
import { crc32 } from "./crc32.ts";
import { BusTimeoutError, ChecksumError } from "./errors.ts";

const WHOLE = 0, OFFER = 1, CHUNK = 2;
/** Room left in each message for the kind byte and the chunk's protobuf fields. */
const OVERHEAD = 256;
/** An incomplete transfer is dropped after this long. */
const TRANSFER_TIMEOUT_MS = 30_000;
/** FrameChunk's `data` field. */
const CHUNK_DATA_FIELD = 4;

/** A frame as the receiver sees it. */
export interface Frame {
  data: Uint8Array;
  reply?: string;
}

/**
 * Sends `data` to `subject`, in chunks when it exceeds the bus's payload limit. Given as
 * parts, the bytes are copied once, straight into the messages that carry them.
 * @throws {NoRespondersError} when a large frame finds no receiver
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHub } from "./memory_bus.ts";
 * const bus = new MemoryHub().connect();
 * const got = new Promise<Frame>((resolve) => receiveFrames(bus, "s", resolve));
 * await sendFrame(bus, "s", [new Uint8Array([1]), new Uint8Array([2])]);
 * assert.deepEqual((await got).data, new Uint8Array([1, 2]));
 * ```
 */
export async function sendFrame(
  bus: Bus,
  subject: string,
  data: Bytes,
  reply?: string,
): Promise<void> {
  const parts = partsOf(data), total = totalLength(parts);
  const room = bus.maxPayload - OVERHEAD;
  if (total <= room) {
    bus.publish(subject, message(WHOLE, [], parts, total), reply);
    return;
  }
  const transferId = crypto.randomUUID();
  const count = Math.ceil(total / room);
  const checksum = parts.reduce((c, p) => crc32(p, c), 0);
  const offer = create(FrameChunkSchema, {
    transferId,
    count,
    checksum,
    totalBytes: BigInt(total),
    reply: reply ?? "",
  });
  const inbox = new TextDecoder().decode(
    await bus.request(subject, withKind(OFFER, toBinary(FrameChunkSchema, offer))),
  );
  const reader = new PartReader(parts);
  for (let index = 0; index < count; index++) {
    const length = Math.min(room, total - index * room);
    const head = toBinary(
      FrameChunkSchema,
      create(FrameChunkSchema, { transferId, index, count, checksum }),
    );
    const fields = [head, lengthDelimitedHeader(CHUNK_DATA_FIELD, length)];
    bus.publish(inbox, message(CHUNK, fields, reader, length));
  }
  await bus.flush();
}

/** One message: the kind byte, small `fields`, then `length` bytes read from `body`. */
function message(
  kind: number,
  fields: readonly Uint8Array[],
  body: readonly Uint8Array[] | PartReader,
  length: number,
): Uint8Array {
  const out = new Uint8Array(1 + totalLength(fields) + length);
  out[0] = kind;
  let at = 1;
  for (const f of fields) {
    out.set(f, at);
    at += f.length;
  }
  const reader = body instanceof PartReader ? body : new PartReader(body);
  reader.readInto(out, at, length);
  return out;
}

/**
 * Receives frames sent with {@linkcode sendFrame}.
 * @param onError gets transfers that fail their checksum
 */
export function receiveFrames(
  bus: Bus,
  subject: string,
  onFrame: (frame: Frame) => void,
  options: SubscribeOptions & { onError?: (e: Error) => void } = {},
): BusSubscription {
  return bus.subscribe(subject, (msg) => {
    const kind = msg.data[0], body = msg.data.subarray(1);
    if (kind === WHOLE) onFrame({ data: body, reply: msg.reply });
    else if (kind === OFFER && msg.reply) {
      const offer = fromBinary(FrameChunkSchema, body);
      const inbox = bus.inbox();
      collect(bus, inbox, offer, onFrame, options.onError);
      bus.publish(msg.reply, new TextEncoder().encode(inbox));
    }
  }, options);
}

function collect(
  bus: Bus,
  inbox: string,
  offer: FrameChunk,
  onFrame: (frame: Frame) => void,
  onError?: (e: Error) => void,
): void {
  const data = new Uint8Array(Number(offer.totalBytes));
  let received = 0, offset = 0, checksum = 0;
  const timer = setTimeout(() => sub.unsubscribe(), TRANSFER_TIMEOUT_MS);
  const sub = bus.subscribe(inbox, (msg) => {
    const chunk = fromBinary(FrameChunkSchema, msg.data.subarray(1));
    if (chunk.index !== received || offset + chunk.data.length > data.length) return;
    data.set(chunk.data, offset);
    checksum = crc32(chunk.data, checksum);
    offset += chunk.data.length;
    if (++received < offer.count) return;
    clearTimeout(timer);
    sub.unsubscribe();
    if (offset !== data.length || checksum !== offer.checksum) {
      onError?.(new ChecksumError(offer.transferId));
      return;
    }
    onFrame({ data, reply: offer.reply || undefined });
  });
}

function withKind(kind: number, body: Uint8Array): Uint8Array {
  return message(kind, [], [body], body.length);
}

/**
 * Sends a frame of any size and waits for the receiver's (small) answer.
 * @throws {BusTimeoutError} when no answer comes within `timeoutMs`
 */
export async function requestFrame(
  bus: Bus,
  subject: string,
  data: Bytes,
  timeoutMs = 30_000,
): Promise<Uint8Array> {
  const inbox = bus.inbox();
  let sub: BusSubscription | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = new Promise<Uint8Array>((resolve, reject) => {
    sub = bus.subscribe(inbox, (m) => resolve(m.data));
    timer = setTimeout(() => reject(new BusTimeoutError(subject, timeoutMs)), timeoutMs);
  });
  try {
    await sendFrame(bus, subject, data, inbox);
    return await answer;
  } finally {
    clearTimeout(timer);
    sub?.unsubscribe();
  }
}
