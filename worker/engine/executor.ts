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
import { type GraphPlan, planGraph, type PlannedNode } from "./plan.ts";
import { RuntimeTensor } from "./runtime_tensor.ts";
import { Scope } from "./scope.ts";
import { runIf, runLoop } from "./control_flow.ts";
import { constantValue } from "../../graph/ops/control_flow.ts";
import type { Graph } from "../../graph/ir.ts";

/** Per-node wall time, collected when profiling is on. */
export interface NodeProfile {
  name: string;
  opType: string;
  ms: number;
  /** 0 for the model's own nodes, 1 inside an If/Loop body, and so on. */
  depth: number;
}

/** Executes graphs on one kernels instance and its arena. */
export class Executor {
  readonly #constants = new Map<HostTensor, RuntimeTensor>();
  readonly #plans = new WeakMap<Graph, GraphPlan>();
  /** Filled while profiling; undefined otherwise. */
  profile?: NodeProfile[];

  constructor(readonly kernels: Kernels, readonly arena: Arena) {}

  /** The plan of a graph, made once. */
  plan(graph: Graph, opset: number): GraphPlan {
    let plan = this.#plans.get(graph);
    if (!plan) {
      plan = planGraph(graph, opset);
      this.#plans.set(graph, plan);
    }
    return plan;
  }

  /** A tensor of `dtype` and `dims` in fresh arena memory. */
  allocate(dtype: DType, dims: readonly number[]): RuntimeTensor {
    const bytes = sizeOf(dims) * dtypeBytes(dtype);
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

  /** Drops one reference; frees the buffer with the last one. */
  release(t: RuntimeTensor): void {
    const b = t.buffer;
    if (--b.refs === 0 && !b.persistent) this.arena.free(b.offset, b.bytes);
  }

  /**
   * Runs `plan` in `scope`, whose graph inputs are already set. Leaves the graph outputs
   * in the scope (one reference each) and releases everything else it made.
   */
  run(plan: GraphPlan, scope: Scope): void {
    this.#depth++;
    try {
      this.#runNodes(plan, scope);
    } finally {
      this.#depth--;
    }
  }

  #depth = -1;

  #runNodes(plan: GraphPlan, scope: Scope): void {
    for (const [name, host] of plan.graph.initializers) {
      if (!scope.values.has(name)) scope.values.set(name, this.share(this.constant(host)));
    }
    for (const step of plan.nodes) {
      const start = this.profile ? performance.now() : 0;
      try {
        this.#runNode(step, scope, plan.opset);
      } catch (cause) {
        if (cause instanceof ExecutionError) throw cause;
        throw new ExecutionError(step.node.name, step.node.opType, { cause });
      }
      if (this.profile) {
        const ms = performance.now() - start;
        this.profile.push({
          name: step.node.name,
          opType: step.node.opType,
          ms,
          depth: this.#depth,
        });
      }
      for (const name of step.release) {
        const t = scope.values.get(name);
        if (t) {
          scope.values.delete(name);
          this.release(t);
        }
      }
    }
    for (const [name, t] of scope.values) {
      if (!plan.graph.outputs.some((o) => o.name === name)) {
        scope.values.delete(name);
        this.release(t);
      }
    }
  }

  #runNode(step: PlannedNode, scope: Scope, opset: number): void {
    const { node } = step;
    const inputs = node.inputs.map((name) => {
      if (name === "") return undefined;
      const t = scope.get(name);
      if (!t) throw new ShapeError(node.name, node.opType, `input "${name}" has no value`);
      return t;
    });
    let outputs: RuntimeTensor[];
    if (node.opType === "Constant") outputs = [this.share(this.constant(constantValue(node)))];
    else if (node.opType === "If") outputs = runIf(this, node, inputs, scope, opset);
    else if (node.opType === "Loop") outputs = runLoop(this, node, inputs, scope, opset);
    else outputs = this.#compute(step, inputs, opset);
    node.outputs.forEach((name, i) => {
      if (name !== "" && outputs[i]) scope.values.set(name, outputs[i]);
      else if (outputs[i]) this.release(outputs[i]);
    });
  }

  #compute(
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    opset: number,
  ): RuntimeTensor[] {
    const { node, schema, params } = step;
    const types = this.#outputTypes(step, inputs, opset);
    if (schema.alias !== undefined) {
      return [this.share(inputs[schema.alias]!, types[0].dtype, types[0].dims)];
    }
    const outputs = types.map((t) => this.allocate(t.dtype, t.dims));
    if (outputs.some((o) => o.size > 0) || outputs.length === 0) {
      try {
        step.kernel!({ node, params, inputs, outputs, kernels: this.kernels, ...this.#scratch });
      } catch (e) {
        for (const o of outputs) this.release(o);
        throw e;
      } finally {
        this.#freeScratch();
      }
    }
    return outputs;
  }

  /**
   * The node's output types for these inputs. Rules are pure, so the last answer is reused
   * while the input dims repeat, unless the rule read a non-constant input's values.
   */
  #outputTypes(
    step: PlannedNode,
    inputs: (RuntimeTensor | undefined)[],
    opset: number,
  ): ConcreteType[] {
    let key = "";
    for (const t of inputs) key += t ? `${t.dtype}[${t.dims}]` : "_";
    if (step.shapes?.key === key) return step.shapes.types;
    const memory = this.kernels.memory;
    let readVariable = false;
    const infos = inputs.map((t): InputInfo | undefined =>
      t && {
        dtype: t.dtype,
        dims: [...t.dims],
        values: () => {
          readVariable ||= !t.buffer.persistent;
          return t.numbers(memory);
        },
      }
    );
    const types = step.schema.infer(infos, { node: step.node, params: step.params, opset })
      .map((t) => ({ dtype: t.dtype, dims: concreteDims(t, step) }));
    step.shapes = readVariable ? undefined : { key, types };
    return types;
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
  };

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

function concreteDims(t: TensorType, step: PlannedNode): number[] {
  if (!t.dims || t.dims.some((d) => typeof d !== "number")) {
    throw new ShapeError(step.node.name, step.node.opType, "output shape could not be computed");
  }
  return t.dims as number[];
}

export { Scope };
