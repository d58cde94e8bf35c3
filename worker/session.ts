/**
 * The library API, shaped like onnxruntime-web's InferenceSession: create from a path or
 * bytes, run with named feeds, get named tensors back.
 * @module
 */
import { encodeModel } from "../graph/encode_model.ts";
import { OPTIMIZATION_LEVELS, type OptimizationLevel } from "../graph/optimize/levels.ts";
import type { OptimizationReport } from "../graph/optimize/optimize_model.ts";
import { prepareModel } from "./prepare_model.ts";
import type { Model, ValueInfo } from "../graph/ir.ts";
import { inferShapes } from "../graph/infer_shapes.ts";
import { Tensor } from "../graph/tensor.ts";
import { typedAlloc } from "../graph/dtype.ts";
import { loadKernels } from "../kernels/mod.ts";
import { Arena } from "./engine/arena.ts";
import { Executor, type NodeProfile, type Transfers } from "./engine/executor.ts";
import {
  type Backend,
  type BackendName,
  placeNodes,
  WASM_BACKEND,
  webgpuBackend,
} from "./engine/backend.ts";
import { GpuDevice } from "./webgpu/device.ts";
import type { GpuKernel } from "./webgpu/kernel.ts";
import type { Node } from "../graph/ir.ts";
import type { GraphPlan } from "./engine/plan.ts";
import { Scope } from "./engine/scope.ts";
import { BackendUnavailableError, InputError, SessionReleasedError } from "./errors.ts";

/** Graph optimization levels, named as ONNX Runtime names them. */
export type GraphOptimizationLevel = OptimizationLevel;

/** Options of {@linkcode InferenceSession.create}. */
export interface SessionOptions {
  /**
   * Backends in order of preference: "webgpu", "wasm" (alias "cpu"). Each node runs on the
   * first that supports it; WASM is always the last resort, as ONNX Runtime's CPU provider
   * is. A provider this machine lacks is skipped (see
   * {@linkcode InferenceSession.unavailableProviders}).
   */
  executionProviders?: string[];
  /** "all" by default, as in ONNX Runtime. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Where to write the optimized model as ONNX. */
  optimizedModelFilePath?: string;
  /** External data files by the relative path the model names them with. */
  externalData?: { path: string; data: Uint8Array }[];
  /** Record per-node times; read them with {@linkcode InferenceSession.profile}. */
  enableProfiling?: boolean;
  /**
   * Threads each large GEMM and Conv splits over (1 by default: no threads). Above 1, the
   * session starts that many minus one workers, which keep the process alive until
   * {@linkcode InferenceSession.release}.
   */
  intraOpNumThreads?: number;
}

const PROVIDERS = new Set(["wasm", "cpu", "webgpu"]);
const LEVELS = new Set<string>(OPTIMIZATION_LEVELS);

/**
 * A loaded model, ready to run.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../graph/tensor.ts";
 * const session = await InferenceSession.create("tests/data/relu.onnx");
 * const { y } = await session.run({ x: new Tensor("float32", [-1, 2], [2]) });
 * assert.deepEqual(Array.from(y.data as Float32Array), [0, 2]);
 * session.release();
 * ```
 */
export class InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Where each node runs, by node name. */
  readonly placement: ReadonlyMap<string, BackendName>;
  /** Providers that were asked for but could not start here, with the reason. */
  readonly unavailableProviders: readonly string[];
  #executor?: Executor;

  private constructor(
    readonly model: Model,
    readonly inputs: readonly ValueInfo[],
    readonly outputs: readonly ValueInfo[],
    executor: Executor,
    readonly plan: GraphPlan,
    /** What the optimizer did: level, node counts before and after, rewrites per rule. */
    readonly optimization: OptimizationReport,
    placement: ReadonlyMap<string, BackendName>,
    unavailable: readonly string[],
  ) {
    this.placement = placement;
    this.unavailableProviders = unavailable;
    this.inputNames = inputs.map((i) => i.name);
    this.outputNames = outputs.map((o) => o.name);
    this.#executor = executor;
  }

  /**
   * Loads a model from a file path or its bytes.
   * @throws {ModelLoadError} on bytes that are not a valid model
   * @throws {UnsupportedOpError} naming the op and node meshrt cannot run
   * @throws {UnsupportedDTypeError} naming the tensor of an unsupported element type
   * @throws {TypeError} on unknown options
   */
  static async create(
    model: string | Uint8Array | ArrayBuffer,
    options: SessionOptions = {},
  ): Promise<InferenceSession> {
    checkOptions(options);
    const bytes = typeof model === "string"
      ? await Deno.readFile(model)
      : model instanceof Uint8Array
      ? model
      : new Uint8Array(model);
    const files = new Map(options.externalData?.map((f) => [f.path, f.data]));
    const dir = typeof model === "string" ? model.replace(/[^/]*$/, "") : undefined;
    const { model: decoded, report } = await prepareModel(bytes, {
      level: options.graphOptimizationLevel,
      externalData: (location) =>
        files.get(location) ?? (dir ? readSibling(dir, location) : undefined),
    });
    if (options.optimizedModelFilePath) {
      await Deno.writeFile(options.optimizedModelFilePath, encodeModel(decoded));
    }
    const opset = decoded.opsets.get("") ?? 1;
    const types = inferShapes(decoded.graph, opset);
    const kernels = await loadKernels(options.intraOpNumThreads);
    // A failure past this point must stop the kernels' threads, or the process never exits.
    let gpu: GpuDevice | undefined;
    try {
      const opened = await openProviders(options.executionProviders ?? []);
      gpu = opened.gpu;
      const unavailable = opened.unavailable;
      const executor = new Executor(kernels, new Arena(kernels.memory, kernels.heapBase), gpu);
      const backends: Backend[] = [];
      const gpuKernels = new Map<Node, GpuKernel<unknown>>();
      for (const p of options.executionProviders ?? []) {
        if (p === "webgpu" && gpu) backends.push(gpuPlacer(gpu, gpuKernels));
        else if (p !== "webgpu") backends.push(WASM_BACKEND);
      }
      const placed = placeNodes(decoded.graph, opset, backends, types);
      const plan = executor.plan(decoded.graph, opset, gpuKernels);
      const outputs = decoded.graph.outputs.map((o) => ({
        ...o,
        ...(o.dims ? {} : types.get(o.name)),
        name: o.name,
      }));
      const session = new InferenceSession(
        decoded,
        decoded.graph.inputs,
        outputs,
        executor,
        plan,
        report,
        new Map([...placed].map(([node, backend]) => [node.name, backend])),
        unavailable,
      );
      if (options.enableProfiling) executor.profile = [];
      for (const host of decoded.graph.initializers.values()) executor.constant(host);
      uploadGpuWeights(executor, plan);
      return session;
    } catch (e) {
      gpu?.destroy();
      kernels.close();
      throw e;
    }
  }

  /** Bytes of the arena at its fullest so far: weights plus the activations' peak. */
  get arenaPeakBytes(): number {
    return this.#live().arena.peak;
  }

  /**
   * Bytes copied between host memory and the WebGPU device by the runs so far, graph inputs
   * and outputs included, the one-time weight upload excluded.
   */
  get transfers(): Transfers {
    return { ...this.#live().transfers };
  }

  /** Per-node times of the runs so far, when created with `enableProfiling`. */
  get profile(): readonly NodeProfile[] {
    return this.#live().profile ?? [];
  }

  /**
   * Runs the model.
   * @param feeds a tensor for every graph input
   * @param fetches names of the outputs wanted; all by default
   * @throws {InputError} on a missing, extra or mistyped feed
   * @throws {ExecutionError} naming the node that failed
   */
  run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
    return Promise.resolve().then(() => this.#run(feeds, fetches ?? this.outputNames));
  }

  /** Frees the session's memory, its WebGPU device and its threads; later runs throw. */
  release(): void {
    this.#executor?.gpu?.destroy();
    this.#executor?.kernels.close();
    this.#executor = undefined;
  }

  #live(): Executor {
    if (!this.#executor) throw new SessionReleasedError();
    return this.#executor;
  }

  async #run(
    feeds: Record<string, Tensor>,
    fetches: readonly string[],
  ): Promise<Record<string, Tensor>> {
    const executor = this.#live();
    for (const name of fetches) {
      if (!this.outputNames.includes(name)) {
        throw new InputError(name, `Cannot fetch "${name}": the model has no output of that name`);
      }
    }
    checkFeeds(feeds, this.inputs);
    const scope = new Scope();
    for (const input of this.inputs) {
      const t = feeds[input.name];
      scope.values.set(input.name, executor.upload(t.type, t.dims, t.data));
    }
    try {
      if (this.plan.usesGpu) await executor.runMixed(this.plan, scope);
      else executor.run(this.plan, scope);
      const result: Record<string, Tensor> = {};
      const memory = executor.kernels.memory;
      const onDevice = fetches.filter((name) => scope.get(name)!.onDevice);
      if (onDevice.length > 0) {
        const copies = await executor.download(onDevice.map((name) => scope.get(name)!));
        onDevice.forEach((name, i) => scope.mirrors.set(name, copies[i]));
      }
      for (const name of fetches) {
        const value = scope.get(name)!;
        const t = value.onDevice ? scope.mirrors.get(name)! : value;
        const data = typedAlloc(t.dtype, t.size);
        new Uint8Array(data.buffer).set(new Uint8Array(memory.buffer, t.ptr, t.byteLength));
        result[name] = new Tensor(t.dtype, data, t.dims);
      }
      return result;
    } finally {
      executor.releaseScope(scope);
    }
  }
}

/** Opens the devices the providers need; those that fail are reported, not fatal. */
async function openProviders(
  providers: readonly string[],
): Promise<{ gpu?: GpuDevice; unavailable: string[] }> {
  if (!providers.includes("webgpu")) return { unavailable: [] };
  try {
    return { gpu: await GpuDevice.open(), unavailable: [] };
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
    return { unavailable: [e.message] };
  }
}

/** The WebGPU backend, remembering the kernel of each node it accepts. */
function gpuPlacer(gpu: GpuDevice, chosen: Map<Node, GpuKernel<unknown>>): Backend {
  const backend = webgpuBackend(gpu.f16);
  return {
    name: "webgpu",
    supportsOp(query) {
      const kernel = backend.kernel(query);
      if (kernel) chosen.set(query.node, kernel);
      return kernel !== undefined;
    },
  };
}

/** Uploads the weights WebGPU nodes read, so the first run does not pay for them. */
function uploadGpuWeights(executor: Executor, plan: GraphPlan): void {
  for (const step of plan.nodes) {
    if (!step.gpu) continue;
    step.node.inputs.forEach((name, i) => {
      const host = plan.graph.initializers.get(name);
      if (host && !step.gpu!.hostInputs?.includes(i)) {
        executor.release(executor.deviceConstant(executor.constant(host)));
      }
    });
  }
}

function checkOptions(options: SessionOptions): void {
  for (const p of options.executionProviders ?? []) {
    if (!PROVIDERS.has(p)) {
      throw new TypeError(`Cannot create session: execution provider "${p}" is not available`);
    }
  }
  const threads = options.intraOpNumThreads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new TypeError(
      `Cannot create session: intraOpNumThreads ${threads} is not an integer of at least 1`,
    );
  }
  const level = options.graphOptimizationLevel;
  if (level !== undefined && !LEVELS.has(level)) {
    throw new TypeError(
      `Cannot create session: graphOptimizationLevel "${level}" is not one of ${
        [...LEVELS].join(", ")
      }`,
    );
  }
}

function checkFeeds(feeds: Record<string, Tensor>, inputs: readonly ValueInfo[]): void {
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((i) => i.name === name)) {
      throw new InputError(
        name,
        `Cannot run: feed "${name}" is not an input of the model (inputs: ${
          inputs.map((i) => `"${i.name}"`).join(", ")
        })`,
      );
    }
  }
  for (const input of inputs) {
    const t = feeds[input.name];
    if (!t) throw new InputError(input.name, `Cannot run: input "${input.name}" is missing`);
    if (!(t instanceof Tensor)) {
      throw new InputError(input.name, `Cannot run: feed "${input.name}" is not a Tensor`);
    }
    if (t.type !== input.dtype) {
      throw new InputError(
        input.name,
        `Cannot run: input "${input.name}" expects type "${input.dtype}", got "${t.type}"`,
      );
    }
    const want = input.dims;
    if (
      want &&
      (want.length !== t.dims.length ||
        want.some((d, i) => typeof d === "number" && d !== t.dims[i]))
    ) {
      throw new InputError(
        input.name,
        `Cannot run: input "${input.name}" expects dims [${want}], got [${t.dims}]`,
      );
    }
  }
}

function readSibling(dir: string, location: string): Uint8Array | undefined {
  if (location.startsWith("/") || location.split("/").includes("..")) return undefined;
  try {
    return Deno.readFileSync(dir + location);
  } catch {
    return undefined;
  }
}
