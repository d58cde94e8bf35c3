/**
 * MatMul + Add → Gemm, where Gemm's definition allows it: both operands are matrices
 * (rank 2) and the addend broadcasts to the product's shape without growing it.
 * @module
 */
import type { Node } from "../ir.ts";
import { FLOAT_TYPES } from "../ops/nn_dtypes.ts";
import { addOnto, broadcastsInto, hasRank } from "./_match.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Fuses an Add into the 2-D MatMul feeding it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([fuseMatMulAdd], {
 *   inputs: { a: [2, 3], b: [3, 4], c: [4] }, outputs: ["y"],
 *   nodes: [["MatMul", ["a", "b"], ["p"]], ["Add", ["p", "c"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs]), [["Gemm", ["a", "b", "c"]]]);
 * ```
 */
export function fuseMatMulAdd(graph: GraphView, add: Node): Patch | null {
  // Gemm broadcasts C from opset 7 on.
  if (graph.opset < 7) return null;
  const pair = addOnto(graph, add, ["MatMul"]);
  if (!pair) return null;
  const { node: matmul, other } = pair;
  const [a, b, c, p] = [...matmul.inputs, other, matmul.outputs[0]].map((n) => graph.type(n));
  if (!a || !b || !c || !p || !FLOAT_TYPES.includes(a.dtype)) return null;
  if (!hasRank(a.dims, 2) || !hasRank(b.dims, 2) || !hasRank(p.dims, 2) || !c.dims) return null;
  if (b.dtype !== a.dtype || c.dtype !== a.dtype || !broadcastsInto(c.dims, p.dims)) return null;
  const gemm: Node = {
    ...matmul,
    opType: "Gemm",
    inputs: [...matmul.inputs, other],
    outputs: [add.outputs[0]],
    attributes: new Map(),
  };
  return { remove: [matmul, add], insert: [gemm] };
}
