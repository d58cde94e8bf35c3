/**
 * One WebGPU device for a session: compute pipelines compiled once, storage buffers from a
 * pool, dispatches recorded into one command encoder and submitted when data must move.
 * @module
 */
import { BackendUnavailableError } from "../errors.ts";

/** Storage buffers are sized in steps of this many bytes so the pool can reuse them. */
const BUFFER_STEP = 256;

/** Threads per workgroup for one-dimensional kernels. */
export const WORKGROUP_SIZE = 64;

/** The most workgroups WebGPU allows along one dimension. */
const MAX_GROUPS_PER_DIM = 65535;

/**
 * A WebGPU device with a buffer pool and a pipeline cache.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const gpu = await GpuDevice.open();
 * const buf = gpu.acquire(16);
 * gpu.write(buf, new Float32Array([1, 2, 3, 4]));
 * assert.deepEqual(new Float32Array((await gpu.read(buf, 16)).buffer), new Float32Array([1, 2, 3, 4]));
 * gpu.destroy();
 * ```
 */
export class GpuDevice {
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #uniforms: GPUBuffer[] = [];
  #encoder?: GPUCommandEncoder;
  #error?: GPUError;

  private constructor(
    readonly device: GPUDevice,
    /** What the adapter says of itself (vendor, architecture, description). */
    readonly info: GPUAdapterInfo,
    /** Whether shaders may use `f16` (the adapter offers `shader-f16`). */
    readonly f16: boolean,
  ) {
    device.addEventListener("uncapturederror", (e) => {
      this.#error ??= (e as GPUUncapturedErrorEvent).error;
    });
  }

  /**
   * Opens the first adapter's device, with `shader-f16` when offered.
   * @throws {BackendUnavailableError} when there is no WebGPU adapter
   */
  static async open(): Promise<GpuDevice> {
    const gpu = (globalThis.navigator as { gpu?: GPU }).gpu;
    if (!gpu) {
      throw new BackendUnavailableError(
        "webgpu",
        "navigator.gpu is missing (run Deno with --unstable-webgpu)",
      );
    }
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new BackendUnavailableError(
        "webgpu",
        "no adapter was found (install a Vulkan driver, e.g. mesa-vulkan-drivers)",
      );
    }
    const f16 = adapter.features.has("shader-f16");
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: f16 ? ["shader-f16"] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      },
    });
    return new GpuDevice(device, adapter.info, f16);
  }

  /** The largest storage buffer one binding may see, in bytes. */
  get maxBindingBytes(): number {
    return this.device.limits.maxStorageBufferBindingSize;
  }

  /** The compute pipeline for `key`, compiling `code()` (WGSL, entry point `main`) once. */
  pipeline(key: string, code: () => string): GPUComputePipeline {
    let p = this.#pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ label: key, code: code() });
      p = this.device.createComputePipeline({
        label: key,
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Records one dispatch. Binding 0 is a uniform buffer holding `params` when given; the
   * buffers follow at bindings 1, 2, … (or 0, 1, … without params).
   */
  dispatch(
    pipeline: GPUComputePipeline,
    params: Params | undefined,
    buffers: readonly GPUBuffer[],
    groups: readonly [number, number?, number?],
  ): void {
    const entries: GPUBindGroupEntry[] = [];
    if (params) entries.push({ binding: 0, resource: { buffer: this.#uniform(params) } });
    const first = entries.length;
    buffers.forEach((buffer, i) => entries.push({ binding: first + i, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    this.#encoder ??= this.device.createCommandEncoder();
    const pass = this.#encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    pass.end();
  }

  /** A storage buffer of at least `bytes` bytes, from the pool when one is free. */
  acquire(bytes: number): GPUBuffer {
    const size = Math.max(BUFFER_STEP, Math.ceil(bytes / BUFFER_STEP) * BUFFER_STEP);
    const pooled = this.#free.get(size)?.pop();
    if (pooled) return pooled;
    return this.device.createBuffer({
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  /**
   * Gives a buffer back to the pool. Work already recorded that uses it still sees its
   * contents: the queue runs commands in order.
   */
  recycle(buffer: GPUBuffer): void {
    const list = this.#free.get(buffer.size) ?? [];
    list.push(buffer);
    this.#free.set(buffer.size, list);
  }

  /** Copies host bytes into `buffer` after all recorded work. */
  write(buffer: GPUBuffer, data: ArrayBufferView): void {
    this.flush();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // writeBuffer wants whole words from a plain ArrayBuffer (the arena's may be shared).
    const plain = bytes.byteLength % 4 === 0 && bytes.buffer instanceof ArrayBuffer
      ? bytes as Uint8Array<ArrayBuffer>
      : padTo4(bytes);
    this.device.queue.writeBuffer(buffer, 0, plain);
  }

  /**
   * Reads the first `bytes` bytes of `buffer` once all recorded work has run.
   * @throws {Error} when a recorded command failed validation or ran out of memory
   */
  async read(buffer: GPUBuffer, bytes: number): Promise<Uint8Array> {
    return (await this.readAll([{ buffer, bytes }]))[0];
  }

  /**
   * Reads several buffers through one staging buffer and one map: each map costs a round
   * trip to the device (at least 10 ms in Deno 2, whose mapAsync polls on a 10 ms timer).
   * @throws {Error} when a recorded command failed validation or ran out of memory
   */
  async readAll(parts: readonly { buffer: GPUBuffer; bytes: number }[]): Promise<Uint8Array[]> {
    const offsets: number[] = [];
    let size = 0;
    for (const p of parts) {
      offsets.push(size);
      size += Math.max(4, Math.ceil(p.bytes / 4) * 4);
    }
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.#encoder ??= this.device.createCommandEncoder();
    parts.forEach((p, i) => {
      const n = Math.max(4, Math.ceil(p.bytes / 4) * 4);
      this.#encoder!.copyBufferToBuffer(p.buffer, 0, staging, offsets[i], n);
    });
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      this.#throwPending();
      const all = new Uint8Array(staging.getMappedRange());
      return parts.map((p, i) => all.slice(offsets[i], offsets[i] + p.bytes));
    } finally {
      staging.destroy();
    }
  }

  /** Submits the recorded work. */
  flush(): void {
    if (!this.#encoder) return;
    this.device.queue.submit([this.#encoder.finish()]);
    this.#encoder = undefined;
    for (const u of this.#uniforms) u.destroy();
    this.#uniforms.length = 0;
  }

  /** Frees every buffer and the device. */
  destroy(): void {
    this.flush();
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.device.destroy();
  }

  #uniform(params: Params): GPUBuffer {
    const words = params.bytes();
    const buffer = this.device.createBuffer({
      size: words.byteLength,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    new Uint8Array(buffer.getMappedRange()).set(words);
    buffer.unmap();
    this.#uniforms.push(buffer);
    return buffer;
  }

  #throwPending(): void {
    const error = this.#error;
    if (error) {
      this.#error = undefined;
      throw new Error(`WebGPU: ${error.message}`);
    }
  }
}

/**
 * A uniform block built word by word, in the order the WGSL struct declares its fields.
 * Every field is 4 bytes (u32, i32 or f32); vec4-aligned arrays are the caller's affair.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const p = new Params().u32(3).f32(0.5).i32(-1);
 * assert.equal(p.bytes().byteLength, 16);
 * ```
 */
export class Params {
  readonly #words: number[] = [];
  readonly #kinds: ("u32" | "i32" | "f32")[] = [];

  /** Appends an unsigned 32-bit word. */
  u32(value: number): this {
    return this.#push("u32", value);
  }

  /** Appends a signed 32-bit word. */
  i32(value: number): this {
    return this.#push("i32", value);
  }

  /** Appends a 32-bit float. */
  f32(value: number): this {
    return this.#push("f32", value);
  }

  /** Appends unsigned words (shapes, strides). */
  u32s(values: readonly number[]): this {
    for (const v of values) this.u32(v);
    return this;
  }

  /** The block, padded to a multiple of 16 bytes as uniform buffers require. */
  bytes(): Uint8Array {
    const count = Math.max(4, Math.ceil(this.#words.length / 4) * 4);
    const view = new DataView(new ArrayBuffer(count * 4));
    this.#words.forEach((w, i) => {
      const kind = this.#kinds[i];
      if (kind === "f32") view.setFloat32(i * 4, w, true);
      else if (kind === "i32") view.setInt32(i * 4, w, true);
      else view.setUint32(i * 4, w, true);
    });
    return new Uint8Array(view.buffer);
  }

  #push(kind: "u32" | "i32" | "f32", value: number): this {
    this.#words.push(value);
    this.#kinds.push(kind);
    return this;
  }
}

/**
 * Workgroup counts covering `count` threads of `size` per group, folded into two
 * dimensions past WebGPU's per-dimension limit. Kernels recover the flat index with
 * {@linkcode FLAT_INDEX}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(gridFor(100, 64), [2, 1]);
 * assert.deepEqual(gridFor(64 * 70000, 64), [35000, 2]);
 * ```
 */
export function gridFor(count: number, size = WORKGROUP_SIZE): [number, number] {
  const groups = Math.max(1, Math.ceil(count / size));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const rows = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / rows), rows];
}

/**
 * WGSL for the flat thread index of a {@linkcode gridFor} dispatch; the entry point must
 * declare `@builtin(global_invocation_id) gid: vec3u` and `@builtin(num_workgroups) groups:
 * vec3u`, and the workgroup size must be `WG`.
 */
export const FLAT_INDEX = "gid.x + gid.y * groups.x * WG";

function padTo4(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  padded.set(bytes);
  return padded;
}
