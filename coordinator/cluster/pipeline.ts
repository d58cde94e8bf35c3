/**
 * Sends requests into the first stage of a deployed model and collects their results
 * from the last, many in flight at once. Each request is kept until it completes, so
 * that a lost worker costs a resubmission, never the request; the first result wins.
 * @module
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { type StageTiming, type TensorFrame, TensorFrameSchema } from "../../proto/gen/mesh_pb.ts";
import type { Bus, BusSubscription } from "../../bus/bus.ts";
import { receiveFrames, sendFrame } from "../../bus/frames.ts";
import { encodeTensorFrame } from "../../bus/tensor_frame.ts";
import type { Tensor } from "../../graph/tensor.ts";
import { fromWire, toWire } from "../../graph/wire.ts";
import { DeadlineExceededError, StageFailedError } from "./errors.ts";

/** A result with the time each stage took. */
export interface PipelineResult {
  outputs: Record<string, Tensor>;
  timings: StageTiming[];
}

interface Pending {
  /** Views the caller's feeds, which must stay unchanged until the request completes. */
  frame: TensorFrame;
  resolve: (r: PipelineResult) => void;
  reject: (e: Error) => void;
  deadline: number;
  budgetMs: number;
  lastSent: number;
}

/** Options of a {@linkcode Pipeline}. */
export interface PipelineOptions {
  /** A request with no result after this long is sent again (its worker may be gone). */
  stallMs?: number;
  /** Default per-request deadline. */
  deadlineMs?: number;
}

/** The requests of one model, in flight through its stages. */
export class Pipeline {
  readonly #pending = new Map<string, Pending>();
  readonly #inbox: string;
  readonly #sub: BusSubscription;
  readonly #watchdog: ReturnType<typeof setInterval>;
  #entry: string;
  readonly #stallMs: number;
  readonly #deadlineMs: number;

  /** @param entry the first stage's subject */
  constructor(readonly bus: Bus, entry: string, options: PipelineOptions = {}) {
    this.#entry = entry;
    this.#stallMs = options.stallMs ?? 3000;
    this.#deadlineMs = options.deadlineMs ?? 60_000;
    this.#inbox = bus.inbox();
    this.#sub = receiveFrames(bus, this.#inbox, (f) => this.#onResult(f.data));
    this.#watchdog = setInterval(() => this.#check(), Math.min(250, this.#stallMs / 2));
  }

  /** Requests not yet completed. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /**
   * Runs one request through the stages. The feeds' bytes are sent from where they are, as
   * often as the request is resubmitted: leave them unchanged until it settles.
   * @throws {StageFailedError} when a stage throws on it
   * @throws {DeadlineExceededError} when it does not complete in time
   */
  run(feeds: Record<string, Tensor>, deadlineMs = this.#deadlineMs): Promise<PipelineResult> {
    const requestId = crypto.randomUUID();
    const deadline = Date.now() + deadlineMs;
    const frame = create(TensorFrameSchema, {
      requestId,
      replyTo: this.#inbox,
      deadlineMs: BigInt(deadline),
      tensors: Object.entries(feeds).map(([name, t]) => toWire(name, t)),
    });
    return new Promise((resolve, reject) => {
      const p: Pending = {
        frame,
        resolve,
        reject,
        deadline,
        budgetMs: deadlineMs,
        lastSent: 0,
      };
      this.#pending.set(requestId, p);
      this.#send(requestId, p);
    });
  }

  /** Points new and resubmitted requests at a new first stage (after a re-plan) and resends all in flight. */
  retarget(entry: string): void {
    this.#entry = entry;
    for (const [id, p] of this.#pending) this.#send(id, p);
  }

  /** Stops; requests still in flight fail. */
  close(reason = "the model was unloaded"): void {
    clearInterval(this.#watchdog);
    this.#sub.unsubscribe();
    for (const p of this.#pending.values()) {
      p.reject(new Error(`Cannot complete request: ${reason}`));
    }
    this.#pending.clear();
  }

  #send(id: string, p: Pending): void {
    p.lastSent = Date.now();
    sendFrame(this.bus, this.#entry, encodeTensorFrame(p.frame)).catch(() => {
      // No subscriber yet (a re-plan in progress): the watchdog sends it again.
    });
    p.frame.attempt++;
    this.#pending.set(id, p);
  }

  #onResult(data: Uint8Array): void {
    const frame = fromBinary(TensorFrameSchema, data);
    const p = this.#pending.get(frame.requestId);
    if (!p) return;
    this.#pending.delete(frame.requestId);
    if (frame.error) {
      p.reject(new StageFailedError(frame.error.stage, frame.error.code, frame.error.message));
      return;
    }
    const outputs: Record<string, Tensor> = {};
    for (const w of frame.tensors) outputs[w.name] = fromWire(w);
    p.resolve({ outputs, timings: frame.timings });
  }

  #check(): void {
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (now > p.deadline) {
        this.#pending.delete(id);
        p.reject(new DeadlineExceededError(id, p.budgetMs));
      } else if (now - p.lastSent > this.#stallMs) this.#send(id, p);
    }
  }
}
