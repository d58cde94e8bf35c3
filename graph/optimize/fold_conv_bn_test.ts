import assert from "node:assert/strict";
import { floats, type NodeSpec, optimizeGraphForTest } from "./_testing.ts";
import { foldConvBatchNorm } from "./fold_conv_bn.ts";

const STATS = {
  w: floats([2, 1, 1, 1], [2, 3]),
  cb: floats([2], [1, -1]),
  s: floats([2], [4, 0.5]),
  b: floats([2], [10, 20]),
  m: floats([2], [3, 1]),
  v: floats([2], [3, 0]),
};

Deno.test("foldConvBatchNorm() scales weights and shifts the bias per channel", () => {
  const g = optimizeGraphForTest([foldConvBatchNorm], {
    inputs: { x: [1, 1, 2, 2] },
    outputs: ["y"],
    nodes: [
      ["Conv", ["x", "w", "cb"], ["c"], { kernel_shape: [1, 1] }],
      ["BatchNormalization", ["c", "s", "b", "m", "v"], ["y"], { epsilon: 1 }],
    ],
    initializers: STATS,
  });
  assert.equal(g.nodes.length, 1);
  const [conv] = g.nodes;
  assert.deepEqual(conv.outputs, ["y"]);
  assert.deepEqual(conv.attributes.get("kernel_shape"), { kind: "ints", value: [1, 1] });
  // factor = s / sqrt(v + 1) = [2, 0.5]; bias = (cb - m) * factor + b = [6, 19].
  const w = g.initializers.get(conv.inputs[1])!, b = g.initializers.get(conv.inputs[2])!;
  assert.deepEqual(Array.from(w.data as Float32Array), [4, 1.5]);
  assert.deepEqual(Array.from(b.data as Float32Array), [6, 19]);
});

Deno.test("foldConvBatchNorm() keeps training mode, shared Conv outputs and float16", () => {
  const bn = (
    attrs = {},
  ): NodeSpec => ["BatchNormalization", ["c", "s", "b", "m", "v"], ["y"], attrs];
  const conv: NodeSpec = ["Conv", ["x", "w"], ["c"]];
  const cases = [
    { nodes: [conv, bn({ training_mode: 1 })], outputs: ["y"] },
    { nodes: [conv, bn()], outputs: ["y", "c"] },
  ];
  for (const { nodes, outputs } of cases) {
    const g = optimizeGraphForTest([foldConvBatchNorm], {
      inputs: { x: [1, 1, 2, 2] },
      outputs,
      nodes,
      initializers: STATS,
    });
    assert.equal(g.nodes.length, 2);
  }
  const half = { dtype: "float16" as const, dims: [2, 1, 1, 1], data: new Uint16Array(2) };
  const g = optimizeGraphForTest([foldConvBatchNorm], {
    inputs: { x: { dtype: "float16", dims: [1, 1, 2, 2] } },
    outputs: ["y"],
    nodes: [conv, bn()],
    initializers: { ...STATS, w: half },
  });
  assert.equal(g.nodes.length, 2);
});
