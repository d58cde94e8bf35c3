/**
 * A stage's session in a thread of its own. The agent's thread only moves frames: it keeps
 * answering the bus (offers of large frames, heartbeats) while the stage computes, so the
 * next request's bytes arrive during the current one's compute instead of after it.
 * @module
 */
import type { Tensor } from "../../graph/tensor.ts";
import type { SessionOptions } from "../session.ts";
import {
  fromPosted,
  type StageReply,
  type StageRequest,
  toPosted,
  transferables,
} from "./stage_messages.ts";

/** A stage's outputs and the time its run took (waiting for the thread excluded). */
export interface StageRun {
  outputs: Record<string, Tensor>;
  ms: number;
}

interface Waiter {
  resolve: (r: StageRun) => void;
  reject: (e: Error) => void;
}

/**
 * A session running in a Web Worker.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * const onnx = await Deno.readFile("tests/data/relu.onnx");
 * const stage = await StageThread.start(onnx, {});
 * const { outputs } = await stage.run({ x: new Tensor("float32", [-1, 2], [2]) });
 * assert.deepEqual(Array.from(outputs.y.data as Float32Array), [0, 2]);
 * stage.release();
 * ```
 */
export class StageThread {
  readonly #waiting = new Map<number, Waiter>();
  #nextId = 0;

  private constructor(readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<StageReply>) => this.#settle(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.#failAll(new Error(`Stage thread failed: ${e.message}`));
    };
  }

  /**
   * Starts a thread and creates the stage's session in it.
   * @throws {Error} the session's own error (name and message kept) when it cannot load
   */
  static async start(onnx: Uint8Array, options: SessionOptions): Promise<StageThread> {
    const url = new URL("./stage_thread_main.ts", import.meta.url);
    const thread = new StageThread(new Worker(url, { type: "module" }));
    const loaded = new Promise<StageRun>((resolve, reject) => {
      thread.#waiting.set(-1, { resolve, reject });
    });
    thread.#post({ op: "load", onnx, options }, []);
    try {
      await loaded;
    } catch (e) {
      thread.release();
      throw e;
    }
    return thread;
  }

  /**
   * Runs the stage; the feeds' buffers move to the thread and are unusable here after.
   * @throws {Error} the session's error, its name and message kept
   */
  run(feeds: Record<string, Tensor>): Promise<StageRun> {
    const id = this.#nextId++;
    const tensors = toPosted(feeds);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#post({ op: "run", id, tensors }, transferables(tensors));
    });
  }

  /** Stops the thread; runs still waiting fail. */
  release(): void {
    this.worker.terminate();
    this.#failAll(new Error("Cannot finish the run: the stage was unloaded"));
  }

  #failAll(e: Error): void {
    for (const w of this.#waiting.values()) w.reject(e);
    this.#waiting.clear();
  }

  #post(m: StageRequest, transfer: ArrayBuffer[]): void {
    this.worker.postMessage(m, transfer);
  }

  #settle(r: StageReply): void {
    const id = r.op === "loaded" ? -1 : r.id;
    const waiter = this.#waiting.get(id);
    this.#waiting.delete(id);
    if (r.op === "failed") {
      waiter?.reject(Object.assign(new Error(r.message), { name: r.name }));
    } else if (r.op === "done") waiter?.resolve({ outputs: fromPosted(r.tensors), ms: r.ms });
    else waiter?.resolve({ outputs: {}, ms: 0 });
  }
}
