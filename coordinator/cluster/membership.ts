/**
 * Who is in the cluster: workers known from their heartbeats, lost when they fall silent.
 * @module
 */
import { fromBinary } from "@bufbuild/protobuf";
import { HeartbeatSchema, type WorkerInfo } from "../../proto/gen/mesh_pb.ts";
import type { Bus, BusSubscription } from "../../bus/bus.ts";
import type { Subjects } from "../../bus/subjects.ts";

/** A live worker. */
export interface Member {
  info: WorkerInfo;
  lastSeen: number;
  stageKeys: string[];
  inFlight: number;
}

/** What changed in the membership. */
export type MembershipEvent = { kind: "joined" | "lost"; worker: Member };

/**
 * Tracks workers by heartbeat; a worker silent for `ttlMs` is lost.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHub } from "../../bus/memory_bus.ts";
 * import { Subjects } from "../../bus/subjects.ts";
 * const members = new Membership(new MemoryHub().connect(), new Subjects("doc"));
 * assert.equal(members.workers().length, 0);
 * members.close();
 * ```
 */
export class Membership {
  readonly #members = new Map<string, Member>();
  readonly #listeners = new Set<(e: MembershipEvent) => void>();
  readonly #sub: BusSubscription;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(bus: Bus, subjects: Subjects, readonly ttlMs = 5000) {
    this.#sub = bus.subscribe(subjects.heartbeat, (msg) => this.#beat(msg.data));
    this.#timer = setInterval(() => this.#sweep(), Math.max(50, ttlMs / 4));
  }

  /** Live workers, oldest first. */
  workers(): Member[] {
    return [...this.#members.values()];
  }

  /** The live worker with this id. */
  get(id: string): Member | undefined {
    return this.#members.get(id);
  }

  /** Calls `listener` on every join and loss; returns a function that stops it. */
  onChange(listener: (e: MembershipEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once at least `count` workers are live. */
  async waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.#members.size < count) {
      if (Date.now() > end) {
        throw new Error(
          `Cannot gather ${count} workers: ${this.#members.size} joined within ${timeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Marks a worker lost now, without waiting for its heartbeats to stop. */
  markLost(id: string): void {
    const m = this.#members.get(id);
    if (!m) return;
    this.#members.delete(id);
    this.#emit({ kind: "lost", worker: m });
  }

  close(): void {
    clearInterval(this.#timer);
    this.#sub.unsubscribe();
  }

  #beat(data: Uint8Array): void {
    const beat = fromBinary(HeartbeatSchema, data);
    if (!beat.info) return;
    const known = this.#members.get(beat.workerId);
    const member = {
      info: beat.info,
      lastSeen: Date.now(),
      stageKeys: beat.stageKeys,
      inFlight: beat.inFlight,
    };
    this.#members.set(beat.workerId, member);
    if (!known) this.#emit({ kind: "joined", worker: member });
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, m] of this.#members) if (now - m.lastSeen > this.ttlMs) this.markLost(id);
  }

  #emit(e: MembershipEvent): void {
    for (const l of this.#listeners) l(e);
  }
}
