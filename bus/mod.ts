/**
 * The transport layer: one {@linkcode Bus} contract, implemented over NATS and in process
 * (main thread and Web Workers), plus frames of any size and the subject names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHub } from "./mod.ts";
 * const bus = new MemoryHub().connect();
 * bus.subscribe("ping", (m) => bus.publish(m.reply!, m.data));
 * assert.deepEqual(await bus.request("ping", new Uint8Array([1])), new Uint8Array([1]));
 * ```
 * @module
 */
export type { Bus, BusHandler, BusMessage, BusSubscription, SubscribeOptions } from "./bus.ts";
export { BusTimeoutError, ChecksumError, NoRespondersError } from "./errors.ts";
export { connectPort, MemoryHub } from "./memory_bus.ts";
export { connectNats, type NatsOptions } from "./nats_bus.ts";
export { type Frame, receiveFrames, requestFrame, sendFrame } from "./frames.ts";
export { Subjects } from "./subjects.ts";
