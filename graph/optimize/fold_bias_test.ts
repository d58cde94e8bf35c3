import assert from "node:assert/strict";
import { floats, type GraphSpec, optimizeGraphForTest } from "./_testing.ts";
import { foldBias } from "./fold_bias.ts";

Deno.test("foldBias() adds a per-channel constant into a Conv's bias", () => {
  const g = optimizeGraphForTest([foldBias], {
    inputs: { x: [1, 1, 2, 2] },
    outputs: ["y"],
    nodes: [["Conv", ["x", "w", "b"], ["c"]], ["Add", ["k", "c"], ["y"]]],
    initializers: {
      w: floats([2, 1, 1, 1], [1, 2]),
      b: floats([2], [1, 1]),
      k: floats([1, 2, 1, 1], [5, 6]),
    },
  });
  assert.equal(g.nodes.length, 1);
  assert.deepEqual(Array.from(g.initializers.get(g.nodes[0].inputs[2])!.data as Float32Array), [
    6,
    7,
  ]);
});

Deno.test("foldBias() makes an Add after a Gemm without C its C", () => {
  const g = optimizeGraphForTest([foldBias], {
    inputs: { a: [2, 3], b: [3, 4], c: [4] },
    outputs: ["y"],
    nodes: [["Gemm", ["a", "b"], ["p"], { beta: 0.5 }], ["Add", ["p", "c"], ["y"]]],
  });
  assert.deepEqual(g.nodes.map((n) => n.inputs), [["a", "b", "c"]]);
  assert.deepEqual(g.nodes[0].attributes.get("beta"), { kind: "float", value: 1 });
});

Deno.test("foldBias() keeps a Gemm with C, a growing addend and a spatial Conv addend", () => {
  const cases: Pick<GraphSpec, "inputs" | "nodes">[] = [
    {
      inputs: { a: [2, 3], b: [3, 4], c: [4], d: [4] },
      nodes: [["Gemm", ["a", "b", "c"], ["p"]], ["Add", ["p", "d"], ["y"]]],
    },
    {
      inputs: { a: [2, 3], b: [3, 1], d: [2, 4] },
      nodes: [["Gemm", ["a", "b"], ["p"]], ["Add", ["p", "d"], ["y"]]],
    },
    {
      inputs: { x: [1, 1, 2, 2] },
      nodes: [["Conv", ["x", "w"], ["p"]], ["Add", ["p", "k"], ["y"]]],
    },
  ];
  for (const c of cases) {
    const g = optimizeGraphForTest([foldBias], {
      ...c,
      outputs: ["y"],
      initializers: { w: floats([2, 1, 1, 1], [1, 2]), k: floats([2, 1], [5, 6]) },
    });
    assert.equal(g.nodes.length, 2);
  }
});
