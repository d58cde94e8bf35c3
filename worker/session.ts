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
import { Executor, type NodeProfile } from "./engine/executor.ts";
import type { GraphPlan } from "./engine/plan.ts";
import { Scope } from "./engine/scope.ts";
import { InputError, SessionReleasedError } from "./errors.ts";

/** Graph optimization levels, named as ONNX Runtime names them. */
export type GraphOptimizationLevel = OptimizationLevel;

/** Options of {@linkcode InferenceSession.create}. */
export interface SessionOptions {
  /** Backends in order of preference; "wasm" (alias "cpu") is the default. */
  executionProviders?: string[];
  /** "all" by default, as in ONNX Runtime. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Where to write the optimized model as ONNX. */
  optimizedModelFilePath?: string;
  /** External data files by the relative path the model names them with. */
  externalData?: { path: string; data: Uint8Array }[];
  /** Record per-node times; read them with {@linkcode InferenceSession.profile}. */
  enableProfiling?: boolean;
}

const PROVIDERS = new Set(["wasm", "cpu"]);
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
  #executor?: Executor;

  private constructor(
    readonly model: Model,
    readonly inputs: readonly ValueInfo[],
    readonly outputs: readonly ValueInfo[],
    executor: Executor,
    readonly plan: GraphPlan,
    /** What the optimizer did: level, node counts before and after, rewrites per rule. */
    readonly optimization: OptimizationReport,
  ) {
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
    const kernels = await loadKernels();
    const executor = new Executor(kernels, new Arena(kernels.memory, kernels.heapBase));
    const plan = executor.plan(decoded.graph, opset);
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
    );
    if (options.enableProfiling) executor.profile = [];
    for (const host of decoded.graph.initializers.values()) executor.constant(host);
    return session;
  }

  /** Bytes of the arena at its fullest so far: weights plus the activations' peak. */
  get arenaPeakBytes(): number {
    return this.#live().arena.peak;
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

  /** Frees the session's memory; later runs throw. */
  release(): void {
    this.#executor = undefined;
  }

  #live(): Executor {
    if (!this.#executor) throw new SessionReleasedError();
    return this.#executor;
  }

  #run(feeds: Record<string, Tensor>, fetches: readonly string[]): Record<string, Tensor> {
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
      executor.run(this.plan, scope);
      const result: Record<string, Tensor> = {};
      const memory = executor.kernels.memory;
      for (const name of fetches) {
        const t = scope.get(name)!;
        const data = typedAlloc(t.dtype, t.size);
        new Uint8Array(data.buffer).set(new Uint8Array(memory.buffer, t.ptr, t.byteLength));
        result[name] = new Tensor(t.dtype, data, t.dims);
      }
      return result;
    } finally {
      for (const t of scope.values.values()) executor.release(t);
    }
  }
}

function checkOptions(options: SessionOptions): void {
  for (const p of options.executionProviders ?? []) {
    if (!PROVIDERS.has(p)) {
      throw new TypeError(`Cannot create session: execution provider "${p}" is not available`);
    }
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
