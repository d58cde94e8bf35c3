/**
 * The kernels' loader: picks the relaxed-SIMD build when the engine validates it, else the
 * plain SIMD128 build, instantiates it and owns its linear memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const kernels = await loadKernels();
 * assert.ok(kernels.heapBase > 0);
 * ```
 * @module
 */

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
  /** First byte above the module's static data and stack: the arena starts here. */
  readonly heapBase: number;
  readonly #fns = new Map<string, KernelFn>();

  constructor(readonly instance: WebAssembly.Instance, readonly relaxed: boolean) {
    const e = instance.exports;
    this.memory = e.memory as WebAssembly.Memory;
    this.heapBase = (e.__heap_base as WebAssembly.Global).value as number;
    for (const [name, value] of Object.entries(e)) {
      if (typeof value === "function") this.#fns.set(name, value as KernelFn);
    }
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
}

let compiled: Promise<{ module: WebAssembly.Module; relaxed: boolean }> | undefined;

/** Compiles the best build for this engine once per process. */
export function compileKernels(): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  compiled ??= (async () => {
    const relaxedBytes = await Deno.readFile(
      new URL("./pkg/meshrt_kernels_relaxed.wasm", import.meta.url),
    );
    if (WebAssembly.validate(relaxedBytes)) {
      return { module: await WebAssembly.compile(relaxedBytes), relaxed: true };
    }
    const bytes = await Deno.readFile(new URL("./pkg/meshrt_kernels_simd.wasm", import.meta.url));
    return { module: await WebAssembly.compile(bytes), relaxed: false };
  })();
  return compiled;
}

/** A fresh instance with its own memory. */
export async function loadKernels(): Promise<Kernels> {
  const { module, relaxed } = await compileKernels();
  return new Kernels(await WebAssembly.instantiate(module, {}), relaxed);
}
