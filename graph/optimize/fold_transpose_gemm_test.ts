import assert from "node:assert/strict";
import { optimizeGraphForTest } from "./_testing.ts";
import { foldTransposeIntoGemm } from "./fold_transpose_gemm.ts";

Deno.test("foldTransposeIntoGemm() reads transposed matrices through trans flags", () => {
  const g = optimizeGraphForTest([foldTransposeIntoGemm], {
    inputs: { a: [3, 2], b: [4, 3], c: [4] },
    outputs: ["y"],
    nodes: [
      ["Transpose", ["a"], ["ta"]],
      ["Transpose", ["b"], ["tb"], { perm: [1, 0] }],
      ["Gemm", ["ta", "tb", "c"], ["y"], { transA: 1 }],
    ],
  });
  const gemm = g.nodes.at(-1)!;
  assert.deepEqual(gemm.inputs, ["a", "b", "c"]);
  assert.deepEqual(gemm.attributes.get("transA"), { kind: "int", value: 0 });
  assert.deepEqual(gemm.attributes.get("transB"), { kind: "int", value: 1 });
});

Deno.test("foldTransposeIntoGemm() turns a 2-D MatMul of a transposed matrix into a Gemm", () => {
  const g = optimizeGraphForTest([foldTransposeIntoGemm], {
    inputs: { a: [2, 3], b: [4, 3] },
    outputs: ["y"],
    nodes: [["Transpose", ["b"], ["t"]], ["MatMul", ["a", "t"], ["y"]]],
  });
  assert.deepEqual(g.nodes.at(-1)?.opType, "Gemm");
  assert.deepEqual(g.nodes.at(-1)?.inputs, ["a", "b"]);
});

Deno.test("foldTransposeIntoGemm() keeps batched MatMuls, identity perms and old opsets", () => {
  const batched = optimizeGraphForTest([foldTransposeIntoGemm], {
    inputs: { a: [5, 2, 3], b: [4, 3] },
    outputs: ["y"],
    nodes: [["Transpose", ["b"], ["t"]], ["MatMul", ["a", "t"], ["y"]]],
  });
  assert.equal(batched.nodes.at(-1)?.opType, "MatMul");
  const identity = optimizeGraphForTest([foldTransposeIntoGemm], {
    inputs: { a: [2, 3], b: [3, 4] },
    outputs: ["y"],
    nodes: [["Transpose", ["b"], ["t"], { perm: [0, 1] }], ["MatMul", ["a", "t"], ["y"]]],
  });
  assert.equal(identity.nodes.at(-1)?.opType, "MatMul");
  const old = optimizeGraphForTest(
    [foldTransposeIntoGemm],
    {
      inputs: { a: [2, 3], b: [4, 3] },
      outputs: ["y"],
      nodes: [["Transpose", ["b"], ["t"]], ["MatMul", ["a", "t"], ["y"]]],
    },
    undefined,
    9,
  );
  assert.equal(old.nodes.at(-1)?.opType, "MatMul");
});
