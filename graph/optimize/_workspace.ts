/**
 * The driver's mutable side of a graph view: the current graph with its indexes (who
 * produces and reads each value), value types and constants, kept up to date per patch.
 * @module
 */
import type { Graph, HostTensor, Node, TensorType } from "../ir.ts";
import { readsOf } from "../reads.ts";
import { constantValue } from "../ops/control_flow.ts";
import { ShapeError } from "../errors.ts";
import { inferNode } from "./_infer_node.ts";
import { renameReads } from "./_rename.ts";
import type { ConstantEvaluator, GraphView, Patch } from "./rule.ts";

/** What a graph sees of the graphs around it. */
export interface OuterScope {
  type(name: string): TensorType | undefined;
  constant(name: string): HostTensor | undefined;
}

/** State shared by every graph of one model's optimization. */
export interface ModelContext {
  opset: number;
  evaluate: ConstantEvaluator;
  /** Every value and node name in the model, so fresh names collide with none. */
  names: Set<string>;
}

/** Constants at most this many elements long are shared by content. */
const SHARED_CONSTANT_ELEMENTS = 256;

const NO_OUTER: OuterScope = { type: () => undefined, constant: () => undefined };

/** A graph being rewritten, seen by rules through {@linkcode GraphView}. */
export class Workspace implements GraphView {
  #graph: Graph;
  readonly #producers = new Map<string, Node>();
  readonly #consumers = new Map<string, Node[]>();
  /** Live nodes, numbered in the order they joined the graph. */
  readonly #serials = new Map<Node, number>();
  #nextSerial = 0;
  readonly #outputs: Set<string>;
  readonly #types = new Map<string, TensorType>();
  readonly #constants = new Map<string, HostTensor>();
  readonly #byContent = new Map<string, string>();
  readonly #canonical = new Map<string, string>();

  constructor(
    graph: Graph,
    readonly context: ModelContext,
    readonly outer: OuterScope = NO_OUTER,
  ) {
    this.#graph = graph;
    this.#outputs = new Set(graph.outputs.map((o) => o.name));
    for (const i of graph.inputs) this.#types.set(i.name, { dtype: i.dtype, dims: i.dims });
    for (const [name, t] of graph.initializers) this.#addConstant(name, t, true);
    for (const node of graph.nodes) {
      this.#index(node);
      this.#learn(node);
    }
  }

  /** The graph as rewritten so far. */
  get graph(): Graph {
    return this.#graph;
  }

  get opset(): number {
    return this.context.opset;
  }

  get evaluate(): ConstantEvaluator {
    return this.context.evaluate;
  }

  /** Whether `node` is (still) in the graph. */
  has(node: Node): boolean {
    return this.#serials.has(node);
  }

  producer(name: string): Node | undefined {
    return this.#producers.get(name);
  }

  consumers(name: string): readonly Node[] {
    return this.#consumers.get(name) ?? [];
  }

  isOutput(name: string): boolean {
    return this.#outputs.has(name);
  }

  constant(name: string): HostTensor | undefined {
    const local = this.#constants.get(name);
    if (local || this.#producers.has(name)) return local;
    return this.outer.constant(name);
  }

  type(name: string): TensorType | undefined {
    return this.#types.get(name) ?? this.outer.type(name);
  }

  serial(node: Node): number {
    return this.#serials.get(node) ?? -1;
  }

  canonicalConstant(name: string): string {
    return this.#canonical.get(name) ?? name;
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.context.names.has(name); i++) name = `${base}_${i}`;
    this.context.names.add(name);
    return name;
  }

  /**
   * Applies a rule's patch.
   * @throws {RangeError} when it removes a node that is not in the graph
   */
  apply(patch: Patch): void {
    if (patch.remove.some((n) => !this.has(n))) {
      throw new RangeError("Cannot apply the patch: it removes a node that is not in the graph");
    }
    const removed = new Set(patch.remove);
    const rename = patch.rename ?? new Map<string, string>();
    const renamed = new Map<Node, Node>();
    for (const from of rename.keys()) {
      for (const reader of this.consumers(from)) {
        if (!removed.has(reader)) renamed.set(reader, renameReads(reader, rename));
      }
    }
    const inserted = (patch.insert ?? []).map((n) => renameReads(n, rename));
    const at = this.#graph.nodes.findLastIndex((n) => removed.has(n));
    const nodes: Node[] = [];
    this.#graph.nodes.forEach((node, i) => {
      if (i === at) nodes.push(...inserted);
      if (!removed.has(node)) nodes.push(renamed.get(node) ?? node);
    });
    for (const node of [...removed, ...renamed.keys()]) this.#unindex(node);
    for (const node of [...inserted, ...renamed.values()]) this.#index(node);
    const initializers = new Map(this.#graph.initializers);
    for (const [name, t] of patch.constants ?? []) {
      initializers.set(name, t);
      this.#addConstant(name, t, true);
    }
    this.#graph = { ...this.#graph, nodes, initializers };
    for (const node of inserted) this.#learn(node);
  }

  #index(node: Node): void {
    this.#serials.set(node, this.#nextSerial++);
    for (const o of node.outputs) if (o !== "") this.#producers.set(o, node);
    for (const name of new Set(readsOf(node))) {
      const list = this.#consumers.get(name);
      if (list) list.push(node);
      else this.#consumers.set(name, [node]);
    }
  }

  #unindex(node: Node): void {
    this.#serials.delete(node);
    for (const o of node.outputs) if (this.#producers.get(o) === node) this.#producers.delete(o);
    for (const name of new Set(readsOf(node))) {
      const list = this.#consumers.get(name)!.filter((n) => n !== node);
      if (list.length > 0) this.#consumers.set(name, list);
      else this.#consumers.delete(name);
    }
  }

  /** Records a node's output types, and a Constant node's value. */
  #learn(node: Node): void {
    if (node.opType === "Constant" && node.domain === "") {
      const value = constantOf(node);
      if (value) this.#addConstant(node.outputs[0], value, false);
    }
    const types = inferNode(node, (n) => this.type(n), (n) => this.constant(n), this.opset);
    node.outputs.forEach((name, i) => {
      const declared = this.#graph.valueInfo.get(name);
      const t = types?.[i]?.dims || !declared?.dims ? types?.[i] : declared;
      if (name !== "" && t) this.#types.set(name, t);
    });
  }

  /**
   * Records a constant; `shared` ones (initializers, which live until the graph is
   * finished) may stand in for later constants of the same contents.
   */
  #addConstant(name: string, t: HostTensor, shared: boolean): void {
    this.#constants.set(name, t);
    this.#types.set(name, { dtype: t.dtype, dims: t.dims });
    if (!shared || t.data.length > SHARED_CONSTANT_ELEMENTS) return;
    const key = `${t.dtype}|${t.dims}|${
      String.fromCharCode(...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
    }`;
    const first = this.#byContent.get(key);
    if (first === undefined) this.#byContent.set(key, name);
    else this.#canonical.set(name, first);
  }
}

/** A Constant node's value, or undefined for the kinds meshrt does not hold. */
function constantOf(node: Node): HostTensor | undefined {
  try {
    return constantValue(node);
  } catch (e) {
    if (e instanceof ShapeError) return undefined;
    throw e;
  }
}
