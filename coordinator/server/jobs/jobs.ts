/**
 * Async jobs: accepted at once, run in the background a few at a time, their results kept
 * in a {@linkcode JobStore} for a TTL; unfinished jobs resume when a coordinator starts.
 * @module
 */
import type { Repository } from "../repository.ts";
import {
  BadRequestError,
  JobNotFoundError,
  ModelNotReadyError,
  OverloadedError,
} from "../errors.ts";
import { decodeTensor, jsonData, type V2Tensor } from "../tensor_codec.ts";
import { v2Datatype } from "../datatypes.ts";
import { checkFeeds } from "../signature.ts";
import type { JobRecord, JobStore } from "./job_store.ts";

/** Options of {@linkcode Jobs}. */
export interface JobsOptions {
  /** Jobs running at once. */
  concurrency?: number;
  /** Jobs held (queued or running) in this process; more get 503. */
  maxPending?: number;
  /** How long a job waits for its model to be ready, or for room in its queue, ms. */
  readyTimeoutMs?: number;
}

/** A job request as POST /v1/jobs takes it. */
export interface JobRequest {
  model?: unknown;
  version?: unknown;
  inputs?: unknown;
}

/**
 * The job runner.
 * @example
 * ```ts ignore
 * const jobs = new Jobs(new MemoryJobStore(3_600_000), repository);
 * const id = await jobs.submit({ model: "cls", inputs: [...] });
 * const record = await jobs.get(id);
 * ```
 */
export class Jobs {
  readonly #waiting: JobRecord[] = [];
  #running = 0;
  readonly #concurrency: number;
  readonly #maxPending: number;
  readonly #readyTimeoutMs: number;

  constructor(
    readonly store: JobStore,
    readonly repository: Repository,
    options: JobsOptions = {},
  ) {
    this.#concurrency = options.concurrency ?? 4;
    this.#maxPending = options.maxPending ?? 1024;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  }

  /**
   * Validates and accepts a job.
   * @returns its id
   * @throws {BadRequestError} on a malformed request, {@link ModelNotFoundError} for an unknown model
   * @throws {OverloadedError} when too many jobs are pending
   */
  async submit(request: JobRequest): Promise<string> {
    if (typeof request?.model !== "string" || !Array.isArray(request.inputs)) {
      throw new BadRequestError('Cannot accept the job: it needs "model" and an "inputs" array');
    }
    const version = request.version === undefined ? undefined : String(request.version);
    const inputs = request.inputs as V2Tensor[];
    const served = this.repository.get(request.model, version);
    checkFeeds(served.signature, Object.fromEntries(inputs.map((i) => [i.name, decodeTensor(i)])));
    if (this.#waiting.length + this.#running >= this.#maxPending) {
      throw new OverloadedError(request.model, 5);
    }
    const job: JobRecord = {
      id: crypto.randomUUID(),
      model: request.model,
      version,
      inputs,
      status: "queued",
      updatedAt: Date.now(),
    };
    await this.store.put(job);
    this.#enqueue(job);
    return job.id;
  }

  /**
   * A job's record.
   * @throws {JobNotFoundError} for an unknown or expired id
   */
  async get(id: string): Promise<JobRecord> {
    const job = await this.store.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  /**
   * Cancels a job: it is forgotten, and its result (if it is running) dropped.
   * @throws {JobNotFoundError} for an unknown or expired id
   */
  async cancel(id: string): Promise<void> {
    await this.get(id);
    const i = this.#waiting.findIndex((j) => j.id === id);
    if (i >= 0) this.#waiting.splice(i, 1);
    await this.store.delete(id);
  }

  /** Re-queues the jobs a previous coordinator accepted and did not finish. */
  async resume(): Promise<void> {
    for (const job of await this.store.unfinished()) this.#enqueue(job);
  }

  #enqueue(job: JobRecord): void {
    this.#waiting.push(job);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#waiting.length) {
      const job = this.#waiting.shift()!;
      this.#running++;
      this.#run(job).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(job: JobRecord): Promise<void> {
    try {
      // A job has no client to retry it: it waits while its model loads or its queue is full.
      const served = await this.#retrying(
        () => this.repository.get(job.model, job.version),
        ModelNotReadyError,
      );
      await this.#update(job, { status: "running" });
      const feeds = Object.fromEntries(job.inputs.map((i) => [i.name, decodeTensor(i)]));
      const outputs = await this.#retrying(() => served.infer(feeds), OverloadedError);
      await this.#update(job, {
        status: "done",
        outputs: Object.entries(outputs).map(([name, t]) => ({
          name,
          datatype: v2Datatype(t.type),
          shape: [...t.dims],
          data: jsonData(t),
        })),
      });
    } catch (e) {
      await this.#update(job, { status: "failed", error: (e as Error).message }).catch(() => {});
    }
  }

  /** Calls `attempt` until it succeeds or throws other than `transient` or times out. */
  async #retrying<T>(
    attempt: () => T | Promise<T>,
    transient: new (...args: never[]) => Error,
  ): Promise<T> {
    const end = Date.now() + this.#readyTimeoutMs;
    for (;;) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof transient) || Date.now() > end) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Writes a change unless the job was cancelled meanwhile. */
  async #update(job: JobRecord, change: Partial<JobRecord>): Promise<void> {
    if (!(await this.store.get(job.id))) return;
    Object.assign(job, change, { updatedAt: Date.now() });
    await this.store.put(job);
  }
}
