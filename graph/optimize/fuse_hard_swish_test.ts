import assert from "node:assert/strict";
import type { Graph, HostTensor } from "../ir.ts";
import { floats, type NodeSpec, optimizeGraphForTest } from "./_testing.ts";
import { fuseHardSigmoid } from "./fuse_hard_sigmoid.ts";
import { fuseHardSwish } from "./fuse_hard_swish.ts";

const CONSTANTS: Record<string, HostTensor> = {
  three: floats([], [3]),
  zero: floats([], [0]),
  six: floats([], [6]),
  sixth: floats([1], [1 / 6]),
  five: floats([], [5]),
  bigSix: floats([], [6.5]),
};

function fused(nodes: NodeSpec[], opset = 17, outputs = ["y"]): Graph {
  return optimizeGraphForTest(
    [fuseHardSwish],
    { inputs: { x: [1, 2, 3], z: [1, 2, 3] }, outputs, nodes, initializers: CONSTANTS },
    undefined,
    opset,
  );
}

function shape(g: Graph): [string, string[], string[]][] {
  return g.nodes.map((n) => [n.opType, n.inputs, n.outputs]);
}

const ADD: NodeSpec = ["Add", ["x", "three"], ["a"]];
const CLIP: NodeSpec = ["Clip", ["a", "zero", "six"], ["c"]];
const MUL: NodeSpec = ["Mul", ["x", "c"], ["m"]];
const DIV: NodeSpec = ["Div", ["m", "six"], ["y"]];

Deno.test("fuseHardSwish() fuses x · ReLU6(x + 3) / 6 in any operand order from opset 14", () => {
  const chains: NodeSpec[][] = [
    [ADD, CLIP, MUL, DIV],
    [["Add", ["three", "x"], ["a"]], CLIP, ["Mul", ["c", "x"], ["m"]], DIV],
    [ADD, CLIP, MUL, ["Mul", ["m", "sixth"], ["y"]]],
    [ADD, CLIP, ["Mul", ["c", "x"], ["m"]], ["Mul", ["sixth", "m"], ["y"]]],
  ];
  for (const nodes of chains) {
    assert.deepEqual(shape(fused(nodes, 14)), [["HardSwish", ["x"], ["y"]]]);
  }
});

Deno.test("fuseHardSwish() makes the chain x · HardSigmoid(x) before opset 14", () => {
  const opsetNine: NodeSpec = ["Clip", ["a"], ["c"], { min: 0, max: 6 }];
  for (const [opset, clip] of [[13, CLIP], [9, opsetNine]] as const) {
    const g = fused([ADD, clip, MUL, DIV], opset);
    const [gate, product] = g.nodes;
    assert.deepEqual(shape(g), [
      ["HardSigmoid", ["x"], [gate.outputs[0]]],
      ["Mul", ["x", gate.outputs[0]], ["y"]],
    ]);
    assert.deepEqual(Object.fromEntries(gate.attributes), {
      alpha: { kind: "float", value: 1 / 6 },
      beta: { kind: "float", value: 0.5 },
    });
    assert.notEqual(gate.name, product.name);
  }
});

Deno.test("fuseHardSwish() fuses x · HardSigmoid(x) with alpha 1/6 and beta 0.5", () => {
  const gate: NodeSpec = ["HardSigmoid", ["x"], ["h"], { alpha: 1 / 6 }];
  assert.deepEqual(shape(fused([gate, ["Mul", ["h", "x"], ["y"]]], 14)), [
    ["HardSwish", ["x"], ["y"]],
  ]);
  const kept: [NodeSpec[], number][] = [
    [[gate, ["Mul", ["x", "h"], ["y"]]], 13],
    [[["HardSigmoid", ["x"], ["h"]], ["Mul", ["x", "h"], ["y"]]], 14],
    [[["HardSigmoid", ["x"], ["h"], { alpha: 1 / 6, beta: 0.4 }], ["Mul", ["x", "h"], ["y"]]], 14],
    [[gate, ["Mul", ["z", "h"], ["y"]]], 14],
  ];
  for (const [nodes, opset] of kept) assert.equal(fused(nodes, opset).nodes.length, 2);
  assert.equal(fused([gate, ["Mul", ["x", "h"], ["y"]]], 14, ["y", "h"]).nodes.length, 2);
});

Deno.test("fuseHardSwish() keeps values other nodes or the graph read", () => {
  assert.equal(fused([ADD, CLIP, MUL, DIV, ["Neg", ["c"], ["w"]]], 14, ["y", "w"]).nodes.length, 5);
  assert.equal(fused([ADD, CLIP, MUL, DIV, ["Neg", ["a"], ["w"]]], 14, ["y", "w"]).nodes.length, 5);
  assert.equal(fused([ADD, CLIP, MUL, DIV], 14, ["y", "m"]).nodes.length, 4);
  // Other readers of x do not matter: it stays.
  const g = fused([ADD, CLIP, MUL, DIV, ["Neg", ["x"], ["w"]]], 14, ["y", "w"]);
  assert.deepEqual(g.nodes.map((n) => n.opType), ["HardSwish", "Neg"]);
});

Deno.test("fuseHardSwish() keeps chains with other constants or another multiplicand", () => {
  const chains: NodeSpec[][] = [
    [["Add", ["x", "five"], ["a"]], CLIP, MUL, DIV],
    [ADD, ["Clip", ["a", "zero", "bigSix"], ["c"]], MUL, DIV],
    [ADD, CLIP, MUL, ["Div", ["m", "five"], ["y"]]],
    [ADD, CLIP, ["Mul", ["z", "c"], ["m"]], DIV],
    [ADD, CLIP, ["Mul", ["c", "c"], ["m"]], DIV],
  ];
  for (const nodes of chains) {
    assert.equal(fused(nodes, 14).nodes.length, 4, JSON.stringify(nodes));
  }
});

Deno.test("fuseHardSwish() finishes x · (ReLU6(x + 3) / 6) after fuseHardSigmoid", () => {
  const g = optimizeGraphForTest(
    [fuseHardSwish, fuseHardSigmoid],
    {
      inputs: { x: [1, 2, 3] },
      outputs: ["y"],
      nodes: [ADD, CLIP, ["Div", ["c", "six"], ["s"]], ["Mul", ["s", "x"], ["y"]]],
      initializers: CONSTANTS,
    },
    undefined,
    14,
  );
  assert.deepEqual(shape(g), [["HardSwish", ["x"], ["y"]]]);
});
