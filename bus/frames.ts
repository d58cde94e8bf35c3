/**
 * Frames of any size over a bus whose messages are capped at `maxPayload`. A small frame
 * travels as one message. A large one is offered first (a request that a queue group
 * delivers to exactly one member); that member answers with a private inbox, and the
 * chunks follow there, checked with a CRC-32 once reassembled.
 * @module
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type FrameChunk, FrameChunkSchema } from "../proto/gen/mesh_pb.ts";
import type { Bus, BusSubscription, SubscribeOptions } from "./bus.ts";
import { crc32 } from "./crc32.ts";
import { BusTimeoutError, ChecksumError } from "./errors.ts";

const WHOLE = 0, OFFER = 1, CHUNK = 2;
/** Room left in each message for the kind byte and the chunk's protobuf fields. */
const OVERHEAD = 256;
/** An incomplete transfer is dropped after this long. */
const TRANSFER_TIMEOUT_MS = 30_000;

/** A frame as the receiver sees it. */
export interface Frame {
  data: Uint8Array;
  reply?: string;
}

/**
 * Sends `data` to `subject`, in chunks when it exceeds the bus's payload limit.
 * @throws {NoRespondersError} when a large frame finds no receiver
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHub } from "./memory_bus.ts";
 * const bus = new MemoryHub().connect();
 * const got = new Promise<Frame>((resolve) => receiveFrames(bus, "s", resolve));
 * await sendFrame(bus, "s", new Uint8Array([1, 2]));
 * assert.deepEqual((await got).data, new Uint8Array([1, 2]));
 * ```
 */
export async function sendFrame(
  bus: Bus,
  subject: string,
  data: Uint8Array,
  reply?: string,
): Promise<void> {
  const room = bus.maxPayload - OVERHEAD;
  if (data.length <= room) {
    bus.publish(subject, withKind(WHOLE, data), reply);
    return;
  }
  const transferId = crypto.randomUUID();
  const count = Math.ceil(data.length / room);
  const checksum = crc32(data);
  const offer = create(FrameChunkSchema, {
    transferId,
    count,
    checksum,
    totalBytes: BigInt(data.length),
    reply: reply ?? "",
  });
  const inbox = new TextDecoder().decode(
    await bus.request(subject, withKind(OFFER, toBinary(FrameChunkSchema, offer))),
  );
  for (let index = 0; index < count; index++) {
    const part = data.subarray(index * room, (index + 1) * room);
    const chunk = create(FrameChunkSchema, { transferId, index, count, checksum, data: part });
    bus.publish(inbox, withKind(CHUNK, toBinary(FrameChunkSchema, chunk)));
  }
  await bus.flush();
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
  let received = 0, offset = 0;
  const timer = setTimeout(() => sub.unsubscribe(), TRANSFER_TIMEOUT_MS);
  const sub = bus.subscribe(inbox, (msg) => {
    const chunk = fromBinary(FrameChunkSchema, msg.data.subarray(1));
    if (chunk.index !== received || offset + chunk.data.length > data.length) return;
    data.set(chunk.data, offset);
    offset += chunk.data.length;
    if (++received < offer.count) return;
    clearTimeout(timer);
    sub.unsubscribe();
    if (offset !== data.length || crc32(data) !== offer.checksum) {
      onError?.(new ChecksumError(offer.transferId));
      return;
    }
    onFrame({ data, reply: offer.reply || undefined });
  });
}

function withKind(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = kind;
  out.set(body, 1);
  return out;
}

/**
 * Sends a frame of any size and waits for the receiver's (small) answer.
 * @throws {BusTimeoutError} when no answer comes within `timeoutMs`
 */
export async function requestFrame(
  bus: Bus,
  subject: string,
  data: Uint8Array,
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
