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
import type { ConcreteType } from "./executor.ts";
import { readsOf } from "../../graph/reads.ts";

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
  /** Output types last inferred, keyed by the input types (see the executor). */
  shapes?: { key: string; types: ConcreteType[] };
}

/** A graph with its nodes planned. */
export interface GraphPlan {
  graph: Graph;
  nodes: PlannedNode[];
  opset: number;
  /** Whether any node runs on WebGPU (the run must then be able to wait for the device). */
  usesGpu: boolean;
}

/**
 * Plans a graph (and, lazily through {@linkcode planGraph} again, its subgraphs).
 * @param gpuKernels the WebGPU kernel of each node placed on WebGPU; the rest run on WASM
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
): GraphPlan {
  const keep = new Set(graph.outputs.map((o) => o.name));
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const name of readsOf(node)) lastUse.set(name, i);
  });
  const release: string[][] = graph.nodes.map(() => []);
  for (const [name, i] of lastUse) if (!keep.has(name)) release[i].push(name);
  const nodes = graph.nodes.map((node, i): PlannedNode => {
    const schema = opSchema(node.opType, node.domain);
    const kernel = wasmKernel(node.opType);
    const needsKernel = !EXECUTOR_OPS.has(node.opType) && schema?.alias === undefined;
    if (!schema || (needsKernel && !kernel)) {
      throw new UnsupportedOpError(node.opType, node.name, node.domain);
    }
    const params = schema.prepare(node, opset);
    return { node, schema, params, kernel, gpu: gpuKernels.get(node), release: release[i] };
  });
  return { graph, nodes, opset, usesGpu: gpuKernels.size > 0 };
}
