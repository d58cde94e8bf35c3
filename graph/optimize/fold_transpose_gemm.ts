/**
 * Transposes into Gemm: a MatMul or Gemm of matrices reading a transposed matrix reads the
 * matrix itself and sets transA or transB instead.
 * @module
 */
import type { Attribute, Node } from "../ir.ts";
import { attrInt } from "../ops/_attrs.ts";
import { FLOAT_TYPES } from "../ops/nn_dtypes.ts";
import { hasRank } from "./_match.ts";
import { isTranspose, permOf } from "./eliminate_transpose.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Folds the Transposes feeding a 2-D MatMul or a Gemm into its trans flags.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([foldTransposeIntoGemm], {
 *   inputs: { a: [2, 3], b: [4, 3] }, outputs: ["y"],
 *   nodes: [["Transpose", ["b"], ["t"]], ["MatMul", ["a", "t"], ["y"]]],
 * });
 * assert.equal(g.nodes.at(-1)?.opType, "Gemm");
 * assert.deepEqual(g.nodes.at(-1)?.inputs, ["a", "b"]);
 * ```
 */
export function foldTransposeIntoGemm(graph: GraphView, node: Node): Patch | null {
  if (node.domain !== "" || !isGemmLike(graph, node)) return null;
  const inputs = [...node.inputs];
  const attributes = new Map<string, Attribute>(node.attributes);
  let folded = false;
  (["transA", "transB"] as const).forEach((flag, i) => {
    const t = graph.producer(node.inputs[i]);
    if (!t || !isTranspose(t) || !hasRank(graph.type(t.inputs[0])?.dims, 2)) return;
    if (permOf(t, 2)[0] !== 1) return;
    inputs[i] = t.inputs[0];
    attributes.set(flag, { kind: "int", value: 1 - attrInt(node, flag, 0) });
    folded = true;
  });
  if (!folded) return null;
  return { remove: [node], insert: [{ ...node, opType: "Gemm", inputs, attributes }] };
}

/** A Gemm, or a MatMul Gemm can stand for: float matrices, and C optional (opset 11). */
function isGemmLike(graph: GraphView, node: Node): boolean {
  if (node.opType === "Gemm") return true;
  if (node.opType !== "MatMul" || graph.opset < 11) return false;
  const [a, b] = node.inputs.map((n) => graph.type(n));
  return !!a && !!b && FLOAT_TYPES.includes(a.dtype) && hasRank(a.dims, 2) && hasRank(b.dims, 2);
}
