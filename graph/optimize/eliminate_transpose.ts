/**
 * Transpose elimination: two Transposes in a row become one (or none, when together they
 * permute nothing).
 * @module
 */
import type { Node } from "../ir.ts";
import { attrInts } from "../ops/_attrs.ts";
import { transposePerm } from "../ops/movement_layout.ts";
import { readOnlyBy } from "./_match.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Composes a Transpose with the Transpose feeding it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * import { eliminateIdentity } from "./eliminate_identity.ts";
 * const g = optimizeGraphForTest([eliminateTranspose, eliminateIdentity], {
 *   inputs: { x: [2, 3] }, outputs: ["y"],
 *   nodes: [["Transpose", ["x"], ["t"]], ["Transpose", ["t"], ["u"]], ["Relu", ["u"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs]), [["Relu", ["x"]]]);
 * ```
 */
export function eliminateTranspose(graph: GraphView, node: Node): Patch | null {
  if (!isTranspose(node)) return null;
  const inner = graph.producer(node.inputs[0]);
  const rank = graph.type(node.inputs[0])?.dims?.length;
  if (!inner || !isTranspose(inner) || rank === undefined) return null;
  const p1 = permOf(inner, rank), p2 = permOf(node, rank);
  const perm = p2.map((axis) => p1[axis]);
  const sole = readOnlyBy(graph, inner.outputs[0], node);
  // With other readers the first Transpose stays: only a composed identity then pays.
  if (!sole && perm.some((p, i) => p !== i)) return null;
  const composed: Node = {
    ...node,
    inputs: [inner.inputs[0]],
    attributes: new Map([["perm", { kind: "ints", value: perm }]]),
  };
  return { remove: sole ? [inner, node] : [node], insert: [composed] };
}

/** Whether `node` is an ai.onnx Transpose. */
export function isTranspose(node: Node): boolean {
  return node.opType === "Transpose" && node.domain === "";
}

/** A Transpose's permutation over `rank` axes. */
export function permOf(node: Node, rank: number): number[] {
  return transposePerm({ node }, attrInts(node, "perm"), rank);
}
