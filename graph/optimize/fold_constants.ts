/**
 * Constant folding: a node whose inputs are all known before the graph runs is run once,
 * now, and its outputs become initializers. Constant nodes become initializers directly.
 * @module
 */
import { sizeOf } from "../ir.ts";
import type { HostTensor, Node } from "../ir.ts";
import { isConcrete } from "../ops/_dims.ts";
import { constantValue } from "../ops/control_flow.ts";
import type { GraphView, Patch } from "./rule.ts";

/** Outputs larger than this stay computed at run time rather than stored in the model. */
export const MAX_FOLDED_ELEMENTS = 1 << 20;

/** Ops whose output differs from run to run. */
export const RANDOM_OPS: ReadonlySet<string> = new Set([
  "RandomNormal",
  "RandomNormalLike",
  "RandomUniform",
  "RandomUniformLike",
  "Multinomial",
  "Bernoulli",
]);

/** Ops whose work lies in subgraphs. */
const CONTROL_FLOW_OPS = new Set(["If", "Loop", "Scan"]);

/**
 * Folds `node` into constants when all its inputs are constant.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([foldConstants], {
 *   nodes: [["Constant", [], ["c"], { value_float: 2 }], ["Relu", ["c"], ["y"]]],
 *   inputs: {}, outputs: ["y"],
 * });
 * assert.equal(g.nodes.length, 1);
 * ```
 */
export function foldConstants(graph: GraphView, node: Node): Patch | null {
  if (node.outputs.some((o) => graph.isOutput(o))) return null;
  if (node.domain !== "") return null;
  if (node.opType === "Constant") {
    return { remove: [node], constants: new Map([[node.outputs[0], constantValue(node)]]) };
  }
  if (RANDOM_OPS.has(node.opType) || CONTROL_FLOW_OPS.has(node.opType)) return null;
  if (!fitsFolding(graph, node)) return null;
  const inputs: (HostTensor | undefined)[] = [];
  for (const name of node.inputs) {
    const c = name === "" ? undefined : graph.constant(name);
    if (name !== "" && !c) return null;
    inputs.push(c);
  }
  const outputs = graph.evaluate(node, inputs, graph.opset);
  if (!outputs) return null;
  const constants = new Map<string, HostTensor>();
  node.outputs.forEach((name, i) => {
    if (name !== "" && outputs[i]) constants.set(name, outputs[i]);
  });
  return { remove: [node], constants };
}

/** Whether every output's shape is known statically and small enough to store. */
function fitsFolding(graph: GraphView, node: Node): boolean {
  return node.outputs.every((name) => {
    if (name === "") return true;
    const dims = graph.type(name)?.dims;
    return dims !== undefined && isConcrete(dims) && sizeOf(dims) <= MAX_FOLDED_ELEMENTS;
  });
}
