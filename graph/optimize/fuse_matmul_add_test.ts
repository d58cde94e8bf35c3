import assert from "node:assert/strict";
import { type GraphSpec, optimizeGraphForTest } from "./_testing.ts";
import { fuseMatMulAdd } from "./fuse_matmul_add.ts";

Deno.test("fuseMatMulAdd() makes a Gemm of a matrix product plus a broadcast addend", () => {
  for (const c of [[4], [1, 4], [2, 4], []]) {
    const g = optimizeGraphForTest([fuseMatMulAdd], {
      inputs: { a: [2, 3], b: [3, 4], c },
      outputs: ["y"],
      nodes: [["MatMul", ["a", "b"], ["p"]], ["Add", ["c", "p"], ["y"]]],
    });
    assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]), [
      ["Gemm", ["a", "b", "c"], ["y"]],
    ]);
  }
});

Deno.test("fuseMatMulAdd() keeps batched products, growing addends and shared products", () => {
  const cases: Pick<GraphSpec, "inputs" | "outputs">[] = [
    { inputs: { a: [5, 2, 3], b: [3, 4], c: [4] }, outputs: ["y"] },
    { inputs: { a: [2, 3], b: [3, 1], c: [2, 4] }, outputs: ["y"] },
    { inputs: { a: [2, 3], b: [3, 4], c: [4] }, outputs: ["y", "p"] },
    { inputs: { a: [2, "K"], b: ["K", 4], c: ["M", 4] }, outputs: ["y"] },
  ];
  for (const c of cases) {
    const g = optimizeGraphForTest([fuseMatMulAdd], {
      ...c,
      nodes: [["MatMul", ["a", "b"], ["p"]], ["Add", ["p", "c"], ["y"]]],
    });
    assert.equal(g.nodes.length, 2, JSON.stringify(c.inputs));
  }
});
