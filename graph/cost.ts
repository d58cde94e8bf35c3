/**
 * Per-node work and per-value bytes from static shapes: what the partitioner balances.
 * @module
 */
import { dtypeBytes } from "./dtype.ts";
import type { Dim, Graph, TensorType } from "./ir.ts";
import { inferShapes } from "./infer_shapes.ts";
import { opSchema } from "./ops/registry.ts";

/** Work of one node. */
export interface NodeWork {
  /** Floating-point operations. */
  flops: number;
  /** Bytes the node writes. */
  outBytes: number;
}

/** The graph's costs: one entry per node, and bytes per value name. */
export interface GraphCost {
  nodes: NodeWork[];
  valueBytes: Map<string, number>;
}

/**
 * Costs of every node of `graph`, with symbolic dims taken from `dims` (else 1).
 * @param dims values for symbolic dims, e.g. { N: 8 }
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const cost = graphCost({
 *   name: "g", initializers: new Map(), valueInfo: new Map(),
 *   inputs: [{ name: "a", dtype: "float32", dims: [2, 3] }, { name: "b", dtype: "float32", dims: [3, 4] }],
 *   outputs: [{ name: "y", dtype: "float32" }],
 *   nodes: [{ name: "mm", opType: "MatMul", domain: "", inputs: ["a", "b"], outputs: ["y"], attributes: new Map() }],
 * }, 13);
 * assert.equal(cost.nodes[0].flops, 2 * 2 * 3 * 4);
 * assert.equal(cost.valueBytes.get("y"), 2 * 4 * 4);
 * ```
 */
export function graphCost(
  graph: Graph,
  opset: number,
  dims: Record<string, number> = {},
): GraphCost {
  const concrete: Graph = {
    ...graph,
    inputs: graph.inputs.map((i) => ({ ...i, dims: i.dims?.map((d) => resolve(d, dims)) })),
  };
  const types = inferShapes(concrete, opset);
  const valueBytes = new Map<string, number>();
  for (const [name, t] of types) valueBytes.set(name, bytesOf(t));
  const nodes = graph.nodes.map((node): NodeWork => {
    const inputs = node.inputs.map((n) => types.get(n) ?? { dtype: "float32" as const });
    const outputs = node.outputs.map((n) => types.get(n) ?? { dtype: "float32" as const });
    const outBytes = outputs.reduce((a, t) => a + bytesOf(t), 0);
    const schema = opSchema(node.opType, node.domain);
    const flops = schema?.cost
      ? schema.cost(inputs, outputs, { node, params: schema.prepare(node, opset), opset }).flops
      : outputs.reduce((a, t) => a + elements(t), 0);
    return { flops, outBytes };
  });
  return { nodes, valueBytes };
}

function resolve(d: Dim, dims: Record<string, number>): Dim {
  return typeof d === "number" ? d : dims[d] ?? 1;
}

function elements(t: TensorType): number {
  if (!t.dims) return 0;
  let n = 1;
  for (const d of t.dims) n *= typeof d === "number" ? d : 1;
  return n;
}

function bytesOf(t: TensorType): number {
  return elements(t) * dtypeBytes(t.dtype);
}
