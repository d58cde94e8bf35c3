/**
 * The kernels' loader: picks the relaxed-SIMD build when the engine validates it, else the
 * plain SIMD128 build, instantiates it and owns its linear memory. With more than one
 * thread it loads the threaded build over a shared memory and starts the other threads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const kernels = await loadKernels();
 * assert.ok(kernels.heapBase > 0);
 * ```
 * @module
 */
import { type KernelCall, STACK_BYTES, ThreadPool } from "./threads.ts";
import { TRAPPED } from "./_job.ts";

export type { KernelCall } from "./threads.ts";

/**
 * What each kernel status means: the table in `kernels/src/exports/status.rs`, plus -1,
 * which the loader uses for a kernel the module does not export.
 */
const REASONS: Readonly<Record<number, string>> = {
  [-1]: "the module exports no kernel of this name",
  1: "a length, shape or configuration value does not fit",
  2: "an activation code is unknown",
  3: "the scratch buffer is too small",
  4: "an index is out of range",
  5: "an element type, op code or mode is not supported",
  6: "a pointer is not aligned for its element type",
  [TRAPPED]: "the kernel trapped (an access out of bounds or an unreachable)",
};

/**
 * A kernel returned a non-zero status: bad arguments reached it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const err = new KernelError("gather", 4);
 * assert.equal(err.message, 'Kernel "gather" failed: an index is out of range');
 * ```
 */
export class KernelError extends Error {
  override name = "KernelError";
  /**
   * @param kernel the export that failed
   * @param status the non-zero status it returned (-1: no such export)
   */
  constructor(readonly kernel: string, readonly status: number) {
    super(`Kernel "${kernel}" failed: ${REASONS[status] ?? `status ${status}`}`);
  }
}

type KernelFn = (...args: number[]) => number;

/** An instantiated kernels module. */
export class Kernels {
  readonly memory: WebAssembly.Memory;
  /**
   * First byte above the module's static data and stacks (the other threads' included):
   * the arena starts here.
   */
  readonly heapBase: number;
  readonly #fns = new Map<string, KernelFn>();

  /**
   * @param instance the module's instance on this thread
   * @param relaxed whether it is a relaxed-SIMD build
   * @param pool the other threads, whose stacks start at `__heap_base` (threaded builds,
   * which import their memory: it is the pool's)
   */
  constructor(
    readonly instance: WebAssembly.Instance,
    readonly relaxed: boolean,
    readonly pool?: ThreadPool,
  ) {
    const e = instance.exports;
    this.memory = pool?.memory ?? e.memory as WebAssembly.Memory;
    const base = (e.__heap_base as WebAssembly.Global).value as number;
    this.heapBase = pool ? stackBase(base) + pool.workers * STACK_BYTES : base;
    for (const [name, value] of Object.entries(e)) {
      if (typeof value === "function") this.#fns.set(name, value as KernelFn);
    }
  }

  /** Threads that run kernel calls at once: this one plus the pool's. */
  get threads(): number {
    return 1 + (this.pool?.workers ?? 0);
  }

  /** Whether the module exports a kernel of this name. */
  has(name: string): boolean {
    return this.#fns.has(name);
  }

  /**
   * Calls a kernel by its export name with pointers and sizes.
   * @throws {KernelError} when the kernel reports a non-zero status
   */
  call(name: string, ...args: number[]): void {
    const fn = this.#fns.get(name);
    if (!fn) throw new KernelError(name, -1);
    const status = fn(...args);
    if (status !== 0 && status !== undefined) throw new KernelError(name, status);
  }

  /**
   * Runs independent calls on all {@linkcode threads}, each call once, and returns when all
   * are done. The calls must write disjoint memory; there may be more calls than threads.
   * @throws {KernelError} naming the first call that failed
   * @throws {RangeError} for more than 64 calls
   */
  parallel(calls: readonly KernelCall[]): void {
    // A single call gains nothing from a handoff.
    if (!this.pool || calls.length === 1) {
      for (const c of calls) this.call(c.name, ...c.args);
      return;
    }
    const missing = calls.find((c) => !this.#fns.has(c.name));
    if (missing) throw new KernelError(missing.name, -1);
    const failed = this.pool.run(calls);
    if (failed) throw new KernelError(calls[failed.call].name, failed.status);
  }

  /** Stops the other threads; later calls run here only. Safe to call twice. */
  close(): void {
    this.pool?.close();
  }
}

/** Where the other threads' stacks start: the heap base, rounded up to 64 bytes. */
function stackBase(heapBase: number): number {
  return Math.ceil(heapBase / 64) * 64;
}

/** A compiled build and whether it uses relaxed SIMD. */
export interface CompiledKernels {
  module: WebAssembly.Module;
  relaxed: boolean;
}

const compiled = new Map<string, Promise<CompiledKernels>>();

/**
 * Compiles the best build for this engine once per process.
 * @param threaded the build over an imported shared memory, for intra-op threads
 */
export function compileKernels(threaded = false): Promise<CompiledKernels> {
  const suffix = threaded ? "_threads" : "";
  let build = compiled.get(suffix);
  if (!build) {
    build = compileBest(suffix);
    compiled.set(suffix, build);
  }
  return build;
}

async function compileBest(suffix: string): Promise<CompiledKernels> {
  const read = (name: string) =>
    Deno.readFile(new URL(`./pkg/meshrt_kernels_${name}${suffix}.wasm`, import.meta.url));
  const relaxedBytes = await read("relaxed");
  if (WebAssembly.validate(relaxedBytes)) {
    return { module: await WebAssembly.compile(relaxedBytes), relaxed: true };
  }
  return { module: await WebAssembly.compile(await read("simd")), relaxed: false };
}

/** Pages the threaded builds' memory starts with (`--initial-memory` in build.sh). */
const THREADED_INITIAL_PAGES = 32;
/** Bytes of a WebAssembly page. */
const PAGE = 65536;
/** The most pages a wasm32 memory can have: the threaded builds' `--max-memory`. */
const MAX_PAGES = 65536;

/**
 * A fresh instance with its own memory.
 * @param threads threads each GEMM and Conv may split over; above 1, the threaded build
 * runs over a shared memory with `threads - 1` workers, which hold the process open until
 * {@linkcode Kernels.close}
 * @throws {RangeError} when `threads` is not a positive integer
 */
export async function loadKernels(threads = 1): Promise<Kernels> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`Cannot load kernels for ${threads} threads: expected an integer >= 1`);
  }
  const { module, relaxed } = await compileKernels(threads > 1);
  if (threads === 1) return new Kernels(await WebAssembly.instantiate(module, {}), relaxed);
  const memory = new WebAssembly.Memory({
    initial: THREADED_INITIAL_PAGES,
    maximum: MAX_PAGES,
    shared: true,
  });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const base = stackBase((instance.exports.__heap_base as WebAssembly.Global).value as number);
  const top = base + (threads - 1) * STACK_BYTES;
  memory.grow(Math.max(0, Math.ceil(top / PAGE) - memory.buffer.byteLength / PAGE));
  const pool = await ThreadPool.start(module, memory, instance, base, threads - 1);
  return new Kernels(instance, relaxed, pool);
}
