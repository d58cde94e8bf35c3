/**
 * A graph prepared for execution: schemas and kernels resolved, attributes parsed, and for
 * every node the values whose lifetime ends there.
 * @module
 */
import type { Graph, Node } from "../../graph/ir.ts";
import { opSchema } from "../../graph/ops/registry.ts";
import type { OpSchema } from "../../graph/ops/schema.ts";
import { UnsupportedOpError } from "../../graph/errors.ts";
import { wasmKernel } from "../ops/registry.ts";
import type { WasmKernel } from "../ops/kernel.ts";
import type { GpuKernel } from "../webgpu/kernel.ts";
import { EXECUTOR_OPS } from "./backend.ts";
import type { ShapeCache } from "./executor.ts";
import type { Tape } from "./tape.ts";
import type { Stretch } from "./run_tape.ts";
import { readsOf } from "../../graph/reads.ts";
import { type Constants, fusedChains } from "./fuse_epilogues.ts";
import { layerNorms } from "./fuse_layer_norm.ts";

/** One node, ready to run. */
export interface PlannedNode {
  node: Node;
  schema: OpSchema<unknown>;
  params: unknown;
  /** Undefined for ops the executor runs itself (aliases, constants, control flow). */
  kernel?: WasmKernel<unknown>;
  /** Set when the node runs on WebGPU. */
  gpu?: GpuKernel<unknown>;
  /** Values to give back after this node: their last reader. */
  release: string[];
  /** Output types last inferred, with the input types they hold for (see the executor). */
  shapes?: ShapeCache;
  /** What the binding last did, replayable while its operands stay put (see tape.ts). */
  tape?: Tape;
}

/** A graph with its nodes planned. */
export interface GraphPlan {
  graph: Graph;
  nodes: PlannedNode[];
  opset: number;
  /** Whether any node runs on WebGPU (the run must then be able to wait for the device). */
  usesGpu: boolean;
  /** Its stretches of taped nodes by first node, with their run tapes (see run_tape.ts). */
  stretches?: Map<number, Stretch>;
}

/**
 * Plans a graph (and, lazily through {@linkcode planGraph} again, its subgraphs). Chains of
 * nodes that one kernel runs (see fuse_epilogues.ts and fuse_layer_norm.ts) become one node.
 * @param gpuKernels the WebGPU kernel of each node placed on WebGPU; the rest run on WASM
 * @param outer the constants of the enclosing graphs, for a subgraph
 * @throws {UnsupportedOpError} naming the first node whose op has no schema or kernel
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const plan = planGraph({
 *   name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map(),
 * }, 13);
 * assert.equal(plan.nodes.length, 0);
 * ```
 */
export function planGraph(
  graph: Graph,
  opset: number,
  gpuKernels: ReadonlyMap<Node, GpuKernel<unknown>> = new Map(),
  outer: Constants = () => undefined,
): GraphPlan {
  const onGpu = (n: Node) => gpuKernels.has(n);
  const constants = graphConstants(graph, outer);
  const chains = new Map([
    ...fusedChains(graph, onGpu, constants),
    ...layerNorms(graph, onGpu, constants),
  ]);
  const fused = new Set([...chains.values()].flatMap((c) => c.chain.slice(1)));
  const sources = graph.nodes.filter((n) => !fused.has(n));
  const order = sources.map((n) => chains.get(n)?.node ?? n);
  const release = releases(graph, order);
  const nodes = sources.map((source, i): PlannedNode => {
    const node = order[i];
    const schema = opSchema(node.opType, node.domain);
    const kernel = wasmKernel(node.opType);
    const needsKernel = !EXECUTOR_OPS.has(node.opType) && schema?.alias === undefined;
    if (!schema || (needsKernel && !kernel)) {
      throw new UnsupportedOpError(node.opType, node.name, node.domain);
    }
    const prepared = schema.prepare(node, opset);
    const activation = chains.get(source)?.activation;
    const params = activation ? { ...prepared as object, activation } : prepared;
    return { node, schema, params, kernel, gpu: gpuKernels.get(source), release: release[i] };
  });
  return { graph, nodes, opset, usesGpu: gpuKernels.size > 0 };
}

/**
 * The constants seen from `graph`: its initializers, then the enclosing graphs' (unless
 * the graph itself defines the name).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = { dtype: "float32" as const, dims: [], data: new Float32Array([1]) };
 * const g = { name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };
 * assert.equal(graphConstants(g, (n) => (n === "k" ? t : undefined))("k"), t);
 * ```
 */
export function graphConstants(graph: Graph, outer: Constants): Constants {
  const local = new Set([
    ...graph.inputs.map((i) => i.name),
    ...graph.nodes.flatMap((n) => n.outputs),
  ]);
  return (name) => graph.initializers.get(name) ?? (local.has(name) ? undefined : outer(name));
}

/** Per node of `order`, the values whose last reader it is (graph outputs stay). */
function releases(graph: Graph, order: readonly Node[]): string[][] {
  const keep = new Set(graph.outputs.map((o) => o.name));
  const lastUse = new Map<string, number>();
  order.forEach((node, i) => {
    for (const name of readsOf(node)) lastUse.set(name, i);
  });
  const release: string[][] = order.map(() => []);
  for (const [name, i] of lastUse) if (!keep.has(name)) release[i].push(name);
  return release;
}
