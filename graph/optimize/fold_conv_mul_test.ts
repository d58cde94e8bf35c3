import assert from "node:assert/strict";
import { floats, optimizeGraphForTest } from "./_testing.ts";
import { foldConvMul } from "./fold_conv_mul.ts";

Deno.test("foldConvMul() scales a Conv's weights and bias by a per-channel factor", () => {
  const g = optimizeGraphForTest([foldConvMul], {
    inputs: { x: [1, 1, 2, 2] },
    outputs: ["y"],
    nodes: [["Conv", ["x", "w", "b"], ["c"]], ["Mul", ["k", "c"], ["y"]]],
    initializers: {
      w: floats([2, 1, 1, 1], [1, 2]),
      b: floats([2], [5, 6]),
      k: floats([2, 1, 1], [3, 4]),
    },
  });
  assert.equal(g.nodes.length, 1);
  const [w, b] = g.nodes[0].inputs.slice(1).map((n) => g.initializers.get(n)!.data);
  assert.deepEqual(Array.from(w as Float32Array), [3, 8]);
  assert.deepEqual(Array.from(b as Float32Array), [15, 24]);
});

Deno.test("foldConvMul() keeps factors that vary along other axes", () => {
  const g = optimizeGraphForTest([foldConvMul], {
    inputs: { x: [1, 1, 2, 2] },
    outputs: ["y"],
    nodes: [["Conv", ["x", "w"], ["c"]], ["Mul", ["c", "k"], ["y"]]],
    initializers: { w: floats([2, 1, 1, 1], [1, 2]), k: floats([2, 1], [3, 4]) },
  });
  assert.equal(g.nodes.length, 2);
});
