/**
 * Intra-op threads: Web Workers that each run an instance of the threaded kernels build
 * over the caller's shared memory, every one on its own stack. The caller posts a job (a
 * list of independent kernel calls), claims calls itself like any worker, and blocks until
 * all are done, so the executor stays synchronous. The protocol is in `_job.ts`.
 * @module
 */
import {
  CALL_SLOTS,
  CLOSED,
  CONTROL_WORDS,
  JOBS,
  type KernelFn,
  MAX_CALLS,
  STOP,
  waitChange,
  WORD,
  work,
} from "./_job.ts";

/** One kernel call: the export's name and its numeric arguments (pointers, sizes, scalars). */
export interface KernelCall {
  name: string;
  args: readonly number[];
}

/** Bytes of stack each worker gets (the main instance's is as large, see build.sh). */
export const STACK_BYTES = 1 << 20;

/**
 * The Web Worker class as it was when this module loaded: onnxruntime-web, once it has
 * started in Deno, replaces `globalThis.Worker` with node:worker_threads' class, whose
 * workers have no `self`.
 */
const WebWorker = globalThis.Worker;

/** What a worker receives once, at start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The module's function exports, in the order calls index them. */
  names: readonly string[];
  control: Int32Array<SharedArrayBuffer>;
  args: Float64Array<SharedArrayBuffer>;
  stackTop: number;
}

/**
 * Worker threads sharing one kernels memory with the calling thread's instance.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadKernels } from "./mod.ts";
 * const kernels = await loadKernels(2);
 * assert.equal(kernels.threads, 2);
 * kernels.close();
 * ```
 */
export class ThreadPool {
  readonly #index: ReadonlyMap<string, number>;
  readonly #fns: readonly KernelFn[];
  readonly #control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  readonly #args = new Float64Array(new SharedArrayBuffer(MAX_CALLS * CALL_SLOTS * 8));
  readonly #workers: Worker[] = [];
  #job = 0;

  private constructor(readonly memory: WebAssembly.Memory, instance: WebAssembly.Instance) {
    const names = Object.keys(instance.exports).filter((n) =>
      typeof instance.exports[n] === "function"
    );
    this.#index = new Map(names.map((n, i) => [n, i]));
    this.#fns = names.map((n) => instance.exports[n] as KernelFn);
  }

  /** Worker threads (the calling thread not counted). */
  get workers(): number {
    return this.#workers.length;
  }

  /**
   * Starts `count` workers whose stacks lie from `base` up, `STACK_BYTES` each.
   * @param instance the calling thread's instance of `module`, over `memory`
   * @throws {Error} when a worker cannot start
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    base: number,
    count: number,
  ): Promise<ThreadPool> {
    const pool = new ThreadPool(memory, instance);
    const init = {
      module,
      memory,
      names: [...pool.#index.keys()],
      control: pool.#control,
      args: pool.#args,
    };
    try {
      await Promise.all(Array.from({ length: count }, (_, i) => {
        const worker = new WebWorker(new URL("./thread_worker.ts", import.meta.url), {
          type: "module",
        });
        pool.#workers.push(worker);
        return ready(worker, { ...init, stackTop: base + (i + 1) * STACK_BYTES });
      }));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * Runs the calls on this thread and the workers, each call once, in any order, and
   * returns when all are done.
   * @returns the first failed call's index and status, or undefined
   * @throws {RangeError} for more than 64 calls, a call with too many arguments, or a
   * function the module does not export
   */
  run(calls: readonly KernelCall[]): { call: number; status: number } | undefined {
    const control = this.#control;
    const job = this.#job = (this.#job + 1) % JOBS;
    // Close the claims first: a worker still in the last job's `work` then cannot pass
    // its count check against this job's count and claim a call twice.
    Atomics.store(control, WORD.claim, job << 16 | CLOSED);
    this.#write(calls);
    Atomics.store(control, WORD.count, calls.length);
    Atomics.store(control, WORD.completed, 0);
    Atomics.store(control, WORD.failed, 0);
    Atomics.store(control, WORD.claim, job << 16);
    Atomics.store(control, WORD.wake, job);
    Atomics.notify(control, WORD.wake);
    work(control, this.#args, this.#fns, job);
    for (let done = Atomics.load(control, WORD.completed); done < calls.length;) {
      done = waitChange(control, WORD.completed, done);
    }
    const failed = Atomics.load(control, WORD.failed);
    return failed ? { call: failed - 1, status: control[WORD.failedStatus] } : undefined;
  }

  /** Writes the calls where the threads read them. */
  #write(calls: readonly KernelCall[]): void {
    if (calls.length > MAX_CALLS) {
      throw new RangeError(`Cannot run ${calls.length} calls at once: at most ${MAX_CALLS}`);
    }
    calls.forEach((call, i) => {
      const fn = this.#index.get(call.name);
      if (fn === undefined || call.args.length + 2 > CALL_SLOTS) {
        throw new RangeError(`Cannot run "${call.name}" with ${call.args.length} arguments`);
      }
      const at = i * CALL_SLOTS;
      this.#args[at] = fn;
      this.#args[at + 1] = call.args.length;
      this.#args.set(call.args, at + 2);
    });
  }

  /** Stops the workers; they exit once their current call returns. Safe to call twice. */
  close(): void {
    Atomics.store(this.#control, WORD.wake, STOP);
    Atomics.notify(this.#control, WORD.wake);
    for (const worker of this.#workers) worker.terminate();
    this.#workers.length = 0;
  }
}

/** Sends `init` and resolves once the worker has its instance (rejects on its error). */
function ready(worker: Worker, init: WorkerInit): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`Cannot start a kernels thread: ${e.message}`));
    };
    worker.postMessage(init);
  });
}
