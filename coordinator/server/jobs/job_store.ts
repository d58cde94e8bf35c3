/**
 * Where async jobs live: the contract, and the in-process store of the embedded mode.
 * @module
 */
import type { V2Tensor } from "../tensor_codec.ts";

/** A job's lifecycle. */
export type JobStatus = "queued" | "running" | "done" | "failed";

/** A job as stored: its request, and once finished its outputs or error. */
export interface JobRecord {
  id: string;
  model: string;
  version?: string;
  inputs: V2Tensor[];
  status: JobStatus;
  outputs?: V2Tensor[];
  error?: string;
  /** Ms since the epoch of the last change. */
  updatedAt: number;
}

/** Storage of jobs; records expire `ttlMs` after their last change. */
export interface JobStore {
  put(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  delete(id: string): Promise<void>;
  /** Jobs accepted and not finished (to resume after a restart). */
  unfinished(): Promise<JobRecord[]>;
  close(): Promise<void>;
}

/**
 * Jobs in this process's memory, swept after their TTL.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const store = new MemoryJobStore(60_000);
 * await store.put({ id: "a", model: "m", inputs: [], status: "queued", updatedAt: Date.now() });
 * assert.equal((await store.get("a"))?.status, "queued");
 * await store.close();
 * ```
 */
export class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, JobRecord>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(readonly ttlMs: number) {
    this.#timer = setInterval(() => this.#sweep(), Math.min(ttlMs, 60_000));
  }

  put(job: JobRecord): Promise<void> {
    this.#jobs.set(job.id, structuredClone(job));
    return Promise.resolve();
  }

  get(id: string): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(id);
    const live = job && Date.now() - job.updatedAt <= this.ttlMs;
    return Promise.resolve(live ? structuredClone(job) : undefined);
  }

  delete(id: string): Promise<void> {
    this.#jobs.delete(id);
    return Promise.resolve();
  }

  unfinished(): Promise<JobRecord[]> {
    const open = [...this.#jobs.values()].filter((j) =>
      j.status === "queued" || j.status === "running"
    );
    return Promise.resolve(open.map((j) => structuredClone(j)));
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    return Promise.resolve();
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, j] of this.#jobs) if (now - j.updatedAt > this.ttlMs) this.#jobs.delete(id);
  }
}
