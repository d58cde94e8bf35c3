/**
 * Node tapes. A WASM binding run once in recording mode leaves a tape of what it did to
 * linear memory: the scratch blocks it took, the i32 arrays it wrote and the kernel calls
 * it made, in order. While the node's inputs and outputs sit at the same addresses with
 * the same types (a model run again on inputs of the same shapes), later runs replay the
 * tape instead of the binding: each kernel call becomes one wasm call with its arguments
 * ready, with no shape walking, descriptor building or array allocation in between.
 * @module
 */
import { type KernelCall, KernelError, Kernels } from "../../kernels/mod.ts";
import type { KernelArgs, WasmKernel } from "../ops/kernel.ts";
import type { Arena } from "./arena.ts";
import { RuntimeTensor } from "./runtime_tensor.ts";

/** One recorded kernel call, its arguments bound. */
interface Call {
  name: string;
  run: () => number | undefined;
}

/** One recorded i32 array, written at `offset` (bytes) before the calls that read it. */
interface Write {
  offset: number;
  values: Int32Array;
}

/** What one node did in linear memory, replayable while its operands stay put. */
export interface Tape {
  /** Addresses of the inputs (-1 where absent) and outputs it was recorded with. */
  where: number[];
  /** Scratch blocks in the order taken: their bytes, and the offset each got. */
  scratch: { bytes: number; offset: number }[];
  steps: (Call | Write)[];
}

/**
 * Ops whose bindings write linear memory from JS other than through `i32s` (so a replay
 * would miss the write): never taped. A new binding that does so must be listed here.
 */
const JS_WRITERS: ReadonlySet<string> = new Set(["ConstantOfShape"]);

type KernelFn = (...args: number[]) => number | undefined;

/**
 * The kernels, noting every call made through them, split over threads or not. A split
 * call is noted once, as one step, and runs (then and in replays) through `plain`: were it
 * to run through this recorder, a call it makes on this thread would be noted again, into
 * whichever tape was recorded last.
 */
class RecordingKernels extends Kernels {
  steps: (Call | Write)[] = [];

  constructor(readonly plain: Kernels) {
    super(plain.instance, plain.relaxed, plain.pool);
  }

  override call(name: string, ...args: number[]): void {
    const fn = this.instance.exports[name] as KernelFn | undefined;
    if (fn) this.steps.push({ name, run: fn.bind(null, ...args) });
    super.call(name, ...args);
  }

  override parallel(calls: readonly KernelCall[]): void {
    const own = calls.map((c) => ({ name: c.name, args: [...c.args] }));
    const plain = this.plain;
    const run = () => {
      plain.parallel(own);
      return 0;
    };
    this.steps.push({ name: own.map((c) => c.name).join(", "), run });
    plain.parallel(calls);
  }
}

/** A tensor that reports when a binding reads or writes its elements from JS. */
class Watched extends RuntimeTensor {
  constructor(t: RuntimeTensor, readonly touched: () => void) {
    super(t.dtype, t.dims, t.buffer);
  }

  override view(memory: WebAssembly.Memory): ReturnType<RuntimeTensor["view"]> {
    this.touched();
    return super.view(memory);
  }
}

/**
 * Records and replays node tapes over one kernels instance and its arena; calls split over
 * the instance's threads are replayed split the same way.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadKernels } from "../../kernels/mod.ts";
 * import { Arena } from "./arena.ts";
 * const kernels = await loadKernels();
 * const recorder = new TapeRecorder(kernels, new Arena(kernels.memory, kernels.heapBase));
 * assert.equal(recorder.tapeable("Relu"), true);
 * assert.equal(recorder.tapeable("ConstantOfShape"), false);
 * ```
 */
export class TapeRecorder {
  readonly #kernels: RecordingKernels;
  #i32: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(readonly kernels: Kernels, readonly arena: Arena) {
    this.#kernels = new RecordingKernels(kernels);
  }

  /** Whether nodes of `opType` may be taped. */
  tapeable(opType: string): boolean {
    return !JS_WRITERS.has(opType);
  }

  /**
   * Runs `kernel` on `args`, recording. The tape is undefined when the binding touched
   * a tensor's elements from JS: its calls may then depend on values, not just shapes.
   */
  record(kernel: WasmKernel<unknown>, args: KernelArgs<unknown>): Tape | undefined {
    const rec = this.#kernels;
    rec.steps = [];
    let touched = false;
    const touch = () => (touched = true);
    const watch = (t: RuntimeTensor | undefined) =>
      t && !t.buffer.persistent ? new Watched(t, touch) : t;
    const scratch: Tape["scratch"] = [];
    const take = (bytes: number): number => {
      const offset = args.scratch(bytes);
      scratch.push({ bytes, offset });
      return offset;
    };
    kernel({
      ...args,
      inputs: args.inputs.map(watch),
      outputs: args.outputs.map((t) => new Watched(t, touch)),
      kernels: rec,
      scratch: take,
      i32s: (values) => {
        const offset = take(values.length * 4);
        const write = { offset, values: Int32Array.from(values) };
        this.#write(write);
        rec.steps.push(write);
        return offset;
      },
    });
    if (touched) return undefined;
    return { where: where(args.inputs, args.outputs), scratch, steps: rec.steps };
  }

  /**
   * Replays `tape` when the operands sit where it was recorded and its scratch lands where
   * it did; false (having run nothing) otherwise.
   * @throws {KernelError} when a replayed call fails
   */
  replay(
    tape: Tape,
    inputs: readonly (RuntimeTensor | undefined)[],
    outputs: readonly RuntimeTensor[],
  ): boolean {
    if (!sameWhere(tape.where, inputs, outputs)) return false;
    if (tape.scratch.length === 0) {
      this.#run(tape);
      return true;
    }
    const taken: number[] = [];
    try {
      for (const s of tape.scratch) {
        taken.push(this.arena.alloc(s.bytes));
        if (taken[taken.length - 1] !== s.offset) return false;
      }
      this.#run(tape);
      return true;
    } finally {
      taken.forEach((offset, i) => this.arena.free(offset, tape.scratch[i].bytes));
    }
  }

  /**
   * Replays `tape` without checking where its operands sit or taking its scratch: for a
   * graph run known to repeat the run that replayed it (see run_tape.ts).
   * @throws {KernelError} when a replayed call fails
   */
  replayUnchecked(tape: Tape): void {
    this.#run(tape);
  }

  /** The tape's writes and calls, in order. */
  #run(tape: Tape): void {
    for (const step of tape.steps) {
      if ("run" in step) {
        const status = step.run();
        if (status !== 0 && status !== undefined) throw new KernelError(step.name, status);
      } else this.#write(step);
    }
  }

  #write(w: Write): void {
    if (this.#i32.buffer !== this.kernels.memory.buffer) {
      this.#i32 = new Int32Array(this.kernels.memory.buffer);
    }
    this.#i32.set(w.values, w.offset >> 2);
  }
}

function where(
  inputs: readonly (RuntimeTensor | undefined)[],
  outputs: readonly RuntimeTensor[],
): number[] {
  return [...inputs.map((t) => t ? t.ptr : -1), ...outputs.map((t) => t.ptr)];
}

function sameWhere(
  at: readonly number[],
  inputs: readonly (RuntimeTensor | undefined)[],
  outputs: readonly RuntimeTensor[],
): boolean {
  if (at.length !== inputs.length + outputs.length) return false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (at[i] !== (t ? t.ptr : -1)) return false;
  }
  for (let i = 0; i < outputs.length; i++) {
    if (at[inputs.length + i] !== outputs[i].ptr) return false;
  }
  return true;
}
