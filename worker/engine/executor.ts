/**
 * Runs planned graphs over the arena: infers each node's output shapes, allocates its
 * outputs, calls its kernel and gives back every value whose last reader has run.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import { dtypeBytes } from "../../graph/dtype.ts";
import type { HostTensor, TensorType } from "../../graph/ir.ts";
import { sizeOf } from "../../graph/ir.ts";
import type { InputInfo } from "../../graph/ops/schema.ts";
import { ShapeError } from "../../graph/errors.ts";
import type { Kernels } from "../../kernels/mod.ts";
import { ExecutionError } from "../errors.ts";
import type { Arena } from "./arena.ts";
import { graphConstants, type GraphPlan, planGraph, type PlannedNode } from "./plan.ts";
import type { Constants } from "./fuse_epilogues.ts";
import { RuntimeTensor } from "./runtime_tensor.ts";
import { Scope } from "./scope.ts";
import { runIf, runLoop } from "./control_flow.ts";
import { constantValue } from "../../graph/ops/control_flow.ts";
import { readsOf } from "../../graph/reads.ts";
import { DIMS_ONLY_OPS } from "./backend.ts";
import type { Graph, Node } from "../../graph/ir.ts";
import type { GpuDevice } from "../webgpu/device.ts";
import type { GpuKernel } from "../webgpu/kernel.ts";
import type { ArenaBuffer, DeviceBuffer } from "./runtime_tensor.ts";
import { TapeRecorder } from "./tape.ts";
import { replayRun, RunRecording, type Stretch, stretchesOf } from "./run_tape.ts";

/** Per-node wall time, collected when profiling is on. */
export interface NodeProfile {
  name: string;
  opType: string;
  ms: number;
  /** 0 for the model's own nodes, 1 inside an If/Loop body, and so on. */
  depth: number;
}

/** Bytes copied between host memory and the WebGPU device. */
export interface Transfers {
  toDevice: number;
  toHost: number;
}

/**
 * Executes graphs on one kernels instance and its arena, and on a WebGPU device for the
 * nodes planned there. Values move between host and device only where a node on one
 * backend reads a value made on the other; each copy is kept beside the value (a
 * "mirror") until the value's last reader.
 */
export class Executor {
  readonly #constants = new Map<HostTensor, RuntimeTensor>();
  readonly #deviceConstants = new Map<ArenaBuffer, RuntimeTensor>();
  readonly #plans = new WeakMap<Graph, GraphPlan>();
  /** For each subgraph of a planned graph, the constants of the graphs enclosing it. */
  readonly #outer = new WeakMap<Graph, Constants>();
  /** Filled while profiling; undefined otherwise. */
  profile?: NodeProfile[];
  /** Bytes that crossed between host and device in runs (weights uploaded once excluded). */
  readonly transfers: Transfers = { toDevice: 0, toHost: 0 };

  /** Records and replays node tapes. */
  readonly #tapes: TapeRecorder;

  constructor(readonly kernels: Kernels, readonly arena: Arena, readonly gpu?: GpuDevice) {
    this.#tapes = new TapeRecorder(kernels, arena);
  }

  /**
   * The plan of a graph, made once.
   * @param gpuKernels for the top-level graph: the nodes placed on WebGPU and their kernels
   */
  plan(
    graph: Graph,
    opset: number,
    gpuKernels?: ReadonlyMap<Node, GpuKernel<unknown>>,
  ): GraphPlan {
    let plan = this.#plans.get(graph);
    if (!plan) {
      const outer = this.#outer.get(graph) ?? (() => undefined);
      plan = planGraph(graph, opset, gpuKernels, outer);
      this.#plans.set(graph, plan);
      this.#enclose(graph, graphConstants(graph, outer));
    }
    return plan;
  }

  /** Notes `constants` as what the subgraphs of `graph` see of their enclosing graphs. */
  #enclose(graph: Graph, constants: Constants): void {
    for (const node of graph.nodes) {
      for (const a of node.attributes.values()) {
        const graphs = a.kind === "graph" ? [a.value] : a.kind === "graphs" ? a.value : [];
        for (const g of graphs) this.#outer.set(g, constants);
      }
    }
  }

  /** A tensor of `dtype` and `dims` in fresh arena memory, or on the device. */
  allocate(dtype: DType, dims: readonly number[], onDevice = false): RuntimeTensor {
    const bytes = sizeOf(dims) * dtypeBytes(dtype);
    if (onDevice) {
      const gpu = this.gpu!.acquire(bytes);
      return new RuntimeTensor(dtype, dims, { gpu, bytes, refs: 1, persistent: false });
    }
    const buffer = { offset: this.arena.alloc(bytes), bytes, refs: 1, persistent: false };
    return new RuntimeTensor(dtype, dims, buffer);
  }

  /** Copies host data into a fresh arena tensor. */
  upload(dtype: DType, dims: readonly number[], data: ArrayBufferView): RuntimeTensor {
    const t = this.allocate(dtype, dims);
    const src = new Uint8Array(data.buffer, data.byteOffset, t.byteLength);
    new Uint8Array(this.kernels.memory.buffer, t.ptr, t.byteLength).set(src);
    return t;
  }

  /** A constant uploaded once and kept for the executor's life. */
  constant(host: HostTensor): RuntimeTensor {
    let t = this.#constants.get(host);
    if (!t) {
      t = this.upload(host.dtype, host.dims, host.data);
      t.buffer.persistent = true;
      this.#constants.set(host, t);
    }
    return t;
  }

  /** A new reference to `t`'s buffer under other dims (aliases). */
  share(t: RuntimeTensor, dtype: DType = t.dtype, dims: readonly number[] = t.dims): RuntimeTensor {
    t.buffer.refs++;
    return new RuntimeTensor(dtype, dims, t.buffer);
  }

  /** A persistent host tensor's device copy, uploaded once. */
  deviceConstant(t: RuntimeTensor): RuntimeTensor {
    const key = t.buffer as ArenaBuffer;
    let copy = this.#deviceConstants.get(key);
    if (!copy) {
      copy = this.allocate(t.dtype, t.dims, true);
      copy.buffer.persistent = true;
      this.gpu!.write(copy.gpu, t.view(this.kernels.memory));
      this.#deviceConstants.set(key, copy);
    }
    return this.share(copy, t.dtype, t.dims);
  }

  /** Drops one reference; frees the buffer with the last one. */
  release(t: RuntimeTensor): void {
    const b = t.buffer;
    if (b.persistent || --b.refs !== 0) return;
    if ("gpu" in b) this.gpu!.recycle(b.gpu);
    else this.arena.free(b.offset, b.bytes);
  }

  /** Releases every value of a finished run's scope, and their mirrors. */
  releaseScope(scope: Scope): void {
    for (const t of scope.values.values()) this.release(t);
    for (const t of scope.mirrors.values()) this.release(t);
    scope.values.clear();
    scope.mirrors.clear();
  }

  /** Host copies of device tensors, fetched in one round trip. */
  async download(ts: readonly RuntimeTensor[]): Promise<RuntimeTensor[]> {
    if (ts.length === 0) return [];
    const parts = ts.map((t) => ({ buffer: t.gpu, bytes: t.byteLength }));
    const data = await this.gpu!.readAll(parts);
    return ts.map((t, i) => {
      this.transfers.toHost += t.byteLength;
      return this.upload(t.dtype, t.dims, data[i]);
    });
  }

  /**
   * Runs `plan` in `scope`, whose graph inputs are already set. Leaves the graph outputs
   * in the scope (one reference each) and releases everything else it made.
   */
  run(plan: GraphPlan, scope: Scope): void {
    this.#depth++;
    try {
      this.#enter(plan, scope);
      // A profiled run times every node, so it runs them all.
      const stretches = this.profile ? undefined : stretchesOf(plan, this.#tapes);
      for (let i = 0; i < plan.nodes.length;) {
        const stretch = stretches?.get(i);
        if (stretch) {
          this.#runStretch(plan, stretch, scope);
          i = stretch.end;
        } else this.#step(plan.nodes[i++], scope, plan.opset);
      }
      this.#leave(plan, scope);
    } finally {
      this.#depth--;
    }
  }

  /** Runs a stretch of taped nodes: replays its run tape where it fits, else records one. */
  #runStretch(plan: GraphPlan, stretch: Stretch, scope: Scope): void {
    if (stretch.tape && replayRun(stretch.tape, this.arena, this.#tapes, scope)) return;
    const recording = RunRecording.start(this.arena, stretch, scope);
    this.#recording = recording;
    try {
      for (let i = stretch.start; i < stretch.end; i++) {
        this.#step(plan.nodes[i], scope, plan.opset);
      }
      stretch.tape = recording?.finish(scope);
    } finally {
      recording?.end();
      this.#recording = undefined;
    }
  }

  /** The run of a stretch being recorded (see run_tape.ts). */
  #recording?: RunRecording;

  /**
   * Runs a plan with nodes on WebGPU: like {@linkcode run}, but waits for the device
   * whenever a host node needs a value the device made. Graph outputs may stay on the
   * device; {@linkcode download} them.
   */
  async runMixed(plan: GraphPlan, scope: Scope): Promise<void> {
    this.#depth++;
    try {
      this.#enter(plan, scope);
      for (const step of plan.nodes) {
        await this.#mirrorOnHost(hostReads(step), scope);
        for (;;) {
          try {
            this.#step(step, scope, plan.opset);
            break;
          } catch (e) {
            if (!(e instanceof HostValuesNeeded)) throw e;
            await this.#mirrorOnHost([e.value], scope);
          }
        }
      }
      this.#leave(plan, scope);
    } finally {
      this.#depth--;
    }
  }

  #depth = -1;

  #enter(plan: GraphPlan, scope: Scope): void {
    // Constants go in as themselves, not as new references: they are never freed.
    for (const [name, host] of plan.graph.initializers) {
      if (!scope.values.has(name)) scope.values.set(name, this.constant(host));
    }
  }

  #leave(plan: GraphPlan, scope: Scope): void {
    for (const name of scope.values.keys()) {
      if (!plan.graph.outputs.some((o) => o.name === name)) this.#drop(name, scope);
    }
    for (const name of scope.mirrors.keys()) {
      if (!scope.values.has(name)) this.#drop(name, scope);
    }
  }

  #step(step: PlannedNode, scope: Scope, opset: number): void {
    const start = this.profile ? performance.now() : 0;
    try {
      this.#runNode(step, scope, opset);
    } catch (cause) {
      if (cause instanceof ExecutionError || cause instanceof HostValuesNeeded) throw cause;
      throw new ExecutionError(step.node.name, step.node.opType, { cause });
    }
    if (this.profile) {
      const ms = performance.now() - start;
      this.profile.push({ name: step.node.name, opType: step.node.opType, ms, depth: this.#depth });
    }
    for (const name of step.release) this.#drop(name, scope);
  }

  /** Releases a value of this scope and its mirror. */
  #drop(name: string, scope: Scope): void {
    const t = scope.values.get(name);
    if (t) {
      scope.values.delete(name);
      this.release(t);
    }
    const m = scope.mirrors.size === 0 ? undefined : scope.mirrors.get(name);
    if (m) {
      scope.mirrors.delete(name);
      this.release(m);
    }
  }

  /** Makes sure host copies exist of the named values that live on the device. */
  async #mirrorOnHost(names: readonly string[], scope: Scope): Promise<void> {
    const wanted = new Map<string, { owner: Scope; t: RuntimeTensor }>();
    for (const name of names) {
      const owner = scope.owner(name);
      const t = owner?.values.get(name);
      if (owner && t?.onDevice && !owner.mirrors.has(name)) wanted.set(name, { owner, t });
    }
    const copies = await this.download([...wanted.values()].map((w) => w.t));
    [...wanted].forEach(([name, { owner }], i) => owner.mirrors.set(name, copies[i]));
  }

  /** The value of `name` where a node wants it: on the device or not. */
  #located(name: string, scope: Scope, onDevice: boolean): RuntimeTensor | undefined {
    const owner = scope.owner(name);
    const t = owner?.values.get(name);
    if (!owner || !t || t.onDevice === onDevice) return t;
    const mirror = owner.mirrors.get(name);
    if (mirror) return mirror;
    if (!onDevice) throw new HostValuesNeeded(name);
    if (t.buffer.persistent) return this.deviceConstant(t);
    const copy = this.allocate(t.dtype, t.dims, true);
    this.gpu!.write(copy.gpu, t.view(this.kernels.memory));
    this.transfers.toDevice += t.byteLength;
    owner.mirrors.set(name, copy);
    return copy;
  }

  #runNode(step: PlannedNode, scope: Scope, opset: number): void {
    const { node } = step;
    const inputs = node.inputs.map((name, i) => {
      if (name === "") return undefined;
      const t = this.gpu
        ? this.#located(name, scope, wantsDevice(step, i, scope, name))
        : scope.get(name);
      if (!t) throw new ShapeError(node.name, node.opType, `input "${name}" has no value`);
      return t;
    });
    let outputs: RuntimeTensor[];
    if (node.opType === "Constant") outputs = [this.share(this.constant(constantValue(node)))];
    else if (node.opType === "If") outputs = runIf(this, node, inputs, scope, opset);
    else if (node.opType === "Loop") outputs = runLoop(this, node, inputs, scope, opset);
    else outputs = this.#compute(step, inputs, opset, scope);
    node.outputs.forEach((name, i) => {
      if (name !== "" && outputs[i]) scope.values.set(name, outputs[i]);
      else if (outputs[i]) this.release(outputs[i]);
    });
  }

  #compute(
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    opset: number,
    scope: Scope,
  ): RuntimeTensor[] {
    const { schema } = step;
    const types = this.#outputTypes(step, inputs, opset, scope);
    if (schema.alias !== undefined) {
      return [this.share(inputs[schema.alias]!, types[0].dtype, types[0].dims)];
    }
    const outputs = types.map((t) => this.allocate(t.dtype, t.dims, step.gpu !== undefined));
    if (outputs.some((o) => o.size > 0) || outputs.length === 0) {
      try {
        if (step.gpu) this.#runGpu(step.gpu, step, inputs, outputs);
        else this.#runWasm(step, inputs, outputs);
      } catch (e) {
        for (const o of outputs) this.release(o);
        throw e;
      } finally {
        this.#freeScratch();
      }
    } else this.#recording?.spoil();
    return outputs;
  }

  /**
   * Runs a WASM node: replays its tape when one fits, else runs its binding (recording a
   * tape when its output types are fixed by its input types alone).
   */
  #runWasm(
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    outputs: RuntimeTensor[],
  ): void {
    const tapes = this.#tapes;
    if (step.tape && tapes.replay(step.tape, inputs, outputs)) {
      this.#recording?.add(step.node, step.tape);
      return;
    }
    this.#recording?.spoil();
    const { node, params } = step;
    const args = { node, params, inputs, outputs, kernels: this.kernels, ...this.#scratch };
    if (step.shapes && tapes.tapeable(node.opType)) {
      step.tape = tapes.record(step.kernel!, args);
    } else step.kernel!(args);
  }

  #runGpu(
    kernel: GpuKernel<unknown>,
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    outputs: RuntimeTensor[],
  ): void {
    const memory = this.kernels.memory;
    kernel.run({
      node: step.node,
      params: step.params,
      inputs,
      outputs,
      gpu: this.gpu!,
      kernels: this.kernels,
      scratch: this.#scratch.scratch,
      values: (i) => inputs[i]?.numbers(memory),
    });
  }

  /**
   * The node's output types for these inputs. Rules are pure, so the last answer is reused
   * while the input dims repeat, unless the rule read a non-constant input's values.
   */
  #outputTypes(
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    opset: number,
    scope: Scope,
  ): ConcreteType[] {
    if (step.shapes && sameTypes(step.shapes, inputs)) return step.shapes.types;
    step.tape = undefined;
    const memory = this.kernels.memory;
    let readVariable = false;
    const infos = inputs.map((t, i): InputInfo | undefined =>
      t && {
        dtype: t.dtype,
        dims: [...t.dims],
        values: () => {
          readVariable ||= !t.buffer.persistent;
          return this.#hostCopy(t, step.node.inputs[i], scope).numbers(memory);
        },
      }
    );
    const types = step.schema.infer(infos, { node: step.node, params: step.params, opset })
      .map((t) => ({ dtype: t.dtype, dims: concreteDims(t, step) }));
    step.shapes = readVariable ? undefined : {
      dtypes: inputs.map((t) => t?.dtype),
      dims: inputs.map((t) => t?.dims),
      types,
    };
    return types;
  }

  /** `t` itself when in host memory, else its host mirror (or a request for one). */
  #hostCopy(t: RuntimeTensor, name: string, scope: Scope): RuntimeTensor {
    if (!t.onDevice) return t;
    const mirror = scope.owner(name)?.mirrors.get(name);
    if (!mirror) throw new HostValuesNeeded(name);
    return mirror;
  }

  /** Scratch for kernels, handed back after each node. */
  readonly #taken: { offset: number; bytes: number }[] = [];
  readonly #scratch = {
    scratch: (bytes: number): number => {
      const offset = this.arena.alloc(bytes);
      this.#taken.push({ offset, bytes });
      return offset;
    },
    i32s: (values: readonly number[]): number => {
      const offset = this.#scratch.scratch(values.length * 4);
      new Int32Array(this.kernels.memory.buffer, offset, values.length).set(values);
      return offset;
    },
    derived: (
      from: RuntimeTensor,
      kind: string,
      bytes: number,
      fill: (offset: number, kernels: Kernels) => void,
    ): number => {
      if (!from.buffer.persistent) throw new TypeError("derived data needs a constant source");
      let byKind = this.#derived.get(from.buffer);
      if (!byKind) this.#derived.set(from.buffer, byKind = new Map());
      let offset = byKind.get(kind);
      if (offset === undefined) {
        offset = this.arena.alloc(bytes);
        fill(offset, this.kernels);
        byKind.set(kind, offset);
      }
      return offset;
    },
  };

  /** Blocks derived from constants (see `KernelArgs.derived`), by source and kind. */
  readonly #derived = new WeakMap<ArenaBuffer | DeviceBuffer, Map<string, number>>();

  #freeScratch(): void {
    for (const s of this.#taken) this.arena.free(s.offset, s.bytes);
    this.#taken.length = 0;
  }
}

/** An output type with every dim known. */
export interface ConcreteType {
  dtype: DType;
  dims: number[];
}

/** A node's output types, and the input types they were inferred for. */
export interface ShapeCache {
  dtypes: (DType | undefined)[];
  dims: (readonly number[] | undefined)[];
  types: ConcreteType[];
}

/** Whether `inputs` have the types `cache` was inferred for (dims arrays are often shared). */
function sameTypes(cache: ShapeCache, inputs: readonly (RuntimeTensor | undefined)[]): boolean {
  if (cache.dims.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i], dims = cache.dims[i];
    if (!t || !dims) {
      if (t || dims) return false;
      continue;
    }
    if (t.dtype !== cache.dtypes[i]) return false;
    if (t.dims === dims) continue;
    if (t.dims.length !== dims.length) return false;
    for (let j = 0; j < dims.length; j++) if (t.dims[j] !== dims[j]) return false;
  }
  return true;
}

/** Thrown inside a step that needs a device value's elements on the host; the run fetches them. */
class HostValuesNeeded extends Error {
  constructor(readonly value: string) {
    super(`value "${value}" is needed in host memory`);
  }
}

/** Whether input `i` of `step` should be on the device. */
function wantsDevice(step: PlannedNode, i: number, scope: Scope, name: string): boolean {
  if (step.gpu) return !step.gpu.hostInputs?.includes(i);
  // Aliases and dims readers take their input wherever it is; other host nodes read host memory.
  const anywhere = step.schema.alias === i || DIMS_ONLY_OPS.has(step.node.opType);
  return anywhere && scope.get(name)!.onDevice;
}

/** Values a node reads on the host: all for WASM and control flow, the host inputs on GPU. */
function hostReads(step: PlannedNode): string[] {
  const { node, gpu, schema } = step;
  if (gpu) return (gpu.hostInputs ?? []).map((i) => node.inputs[i] ?? "").filter((n) => n);
  if (DIMS_ONLY_OPS.has(node.opType)) return [];
  if (schema.alias !== undefined) return node.inputs.filter((n, i) => n && i !== schema.alias);
  return readsOf(node);
}

function concreteDims(t: TensorType, step: PlannedNode): number[] {
  if (!t.dims || t.dims.some((d) => typeof d !== "number")) {
    throw new ShapeError(step.node.name, step.node.opType, "output shape could not be computed");
  }
  return t.dims as number[];
}

export { Scope };
