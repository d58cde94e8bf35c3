import assert from "node:assert/strict";
import type { Dim, Graph, HostTensor } from "../ir.ts";
import { floats, type NodeSpec, optimizeGraphForTest } from "./_testing.ts";
import { foldBias } from "./fold_bias.ts";
import { fuseHardSigmoid } from "./fuse_hard_sigmoid.ts";

const CONSTANTS: Record<string, HostTensor> = {
  three: floats([], [3]),
  zero: floats([], [0]),
  six: floats([1], [6]),
  sixth: floats([], [1 / 6]),
  five: floats([], [5]),
  fuzzy: floats([], [3 + 5e-7]),
  roughSixth: floats([], [0.1666]),
  wide: floats([1, 1, 1], [3]),
};

function fused(nodes: NodeSpec[], opset = 17, outputs = ["y"], x: Dim[] = [2, 3]): Graph {
  return optimizeGraphForTest(
    [fuseHardSigmoid],
    { inputs: { x }, outputs, nodes, initializers: CONSTANTS },
    undefined,
    opset,
  );
}

function shape(g: Graph): [string, string[], string[]][] {
  return g.nodes.map((n) => [n.opType, n.inputs, n.outputs]);
}

const ADD: NodeSpec = ["Add", ["x", "three"], ["a"]];
const CLIP: NodeSpec = ["Clip", ["a", "zero", "six"], ["c"]];

Deno.test("fuseHardSigmoid() fuses Div by 6 and Mul by 1/6 in any operand order", () => {
  const chains: NodeSpec[][] = [
    [ADD, CLIP, ["Div", ["c", "six"], ["y"]]],
    [ADD, CLIP, ["Mul", ["c", "sixth"], ["y"]]],
    [["Add", ["three", "x"], ["a"]], CLIP, ["Mul", ["sixth", "c"], ["y"]]],
    [["Add", ["x", "fuzzy"], ["a"]], CLIP, ["Div", ["c", "six"], ["y"]]],
  ];
  for (const nodes of chains) {
    const g = fused(nodes);
    assert.deepEqual(shape(g), [["HardSigmoid", ["x"], ["y"]]]);
    assert.deepEqual(Object.fromEntries(g.nodes[0].attributes), {
      alpha: { kind: "float", value: 1 / 6 },
      beta: { kind: "float", value: 0.5 },
    });
  }
});

Deno.test("fuseHardSigmoid() reads Clip's bounds from attributes before opset 11", () => {
  const nodes: NodeSpec[] = [
    ADD,
    ["Clip", ["a"], ["c"], { min: 0, max: 6 }],
    ["Div", ["c", "six"], ["y"]],
  ];
  assert.deepEqual(shape(fused(nodes, 9)), [["HardSigmoid", ["x"], ["y"]]]);
  assert.equal(fused([ADD, ["Clip", ["a"], ["c"], { max: 6 }], nodes[2]], 9).nodes.length, 3);
});

Deno.test("fuseHardSigmoid() keeps values other nodes or the graph read", () => {
  const div: NodeSpec = ["Div", ["c", "six"], ["y"]];
  assert.equal(fused([ADD, CLIP, div, ["Neg", ["a"], ["z"]]], 17, ["y", "z"]).nodes.length, 4);
  assert.equal(fused([ADD, CLIP, div, ["Neg", ["c"], ["z"]]], 17, ["y", "z"]).nodes.length, 4);
  assert.equal(fused([ADD, CLIP, div], 17, ["y", "c"]).nodes.length, 3);
});

Deno.test("fuseHardSigmoid() keeps chains with other constants or shapes", () => {
  const chains: NodeSpec[][] = [
    [["Add", ["x", "five"], ["a"]], CLIP, ["Div", ["c", "six"], ["y"]]],
    [ADD, ["Clip", ["a", "zero", "five"], ["c"]], ["Div", ["c", "six"], ["y"]]],
    [ADD, ["Clip", ["a", "", "six"], ["c"]], ["Div", ["c", "six"], ["y"]]],
    [ADD, CLIP, ["Div", ["c", "five"], ["y"]]],
    [ADD, CLIP, ["Div", ["six", "c"], ["y"]]],
    [ADD, CLIP, ["Mul", ["c", "roughSixth"], ["y"]]],
    // A rank-3 addend would grow the rank-2 x.
    [["Add", ["x", "wide"], ["a"]], CLIP, ["Div", ["c", "six"], ["y"]]],
  ];
  for (const nodes of chains) assert.equal(fused(nodes).nodes.length, 3, JSON.stringify(nodes));
});

Deno.test("fuseHardSigmoid() matches float16 constants as float16 rounds them", () => {
  // float16 bits of 3, 0 and 1/6 (0.16663).
  const half = (bits: number): HostTensor => ({
    dtype: "float16",
    dims: [],
    data: new Uint16Array([bits]),
  });
  const g = optimizeGraphForTest([fuseHardSigmoid], {
    inputs: { x: { dtype: "float16", dims: [4] } },
    outputs: ["y"],
    nodes: [
      ["Add", ["x", "three"], ["a"]],
      ["Clip", ["a", "zero", "six"], ["c"]],
      ["Mul", ["c", "sixth"], ["y"]],
    ],
    initializers: { three: half(0x4200), zero: half(0), six: half(0x4600), sixth: half(0x3155) },
  });
  assert.deepEqual(shape(g), [["HardSigmoid", ["x"], ["y"]]]);
});

Deno.test("fuseHardSigmoid() keeps integer chains", () => {
  const ints = (v: number): HostTensor => ({
    dtype: "int32",
    dims: [],
    data: new Int32Array([v]),
  });
  const g = optimizeGraphForTest([fuseHardSigmoid], {
    inputs: { x: { dtype: "int32", dims: [4] } },
    outputs: ["y"],
    nodes: [ADD, CLIP, ["Div", ["c", "six"], ["y"]]],
    initializers: { three: ints(3), zero: ints(0), six: ints(6) },
  });
  assert.equal(g.nodes.length, 3);
});

Deno.test("fuseHardSigmoid() takes the Add before bias folding can", () => {
  const g = optimizeGraphForTest([fuseHardSigmoid, foldBias], {
    inputs: { x: [1, 1, 2, 2] },
    outputs: ["y"],
    nodes: [
      ["Conv", ["x", "w"], ["v"]],
      ["Add", ["v", "three"], ["a"]],
      CLIP,
      ["Div", ["c", "six"], ["y"]],
    ],
    initializers: { ...CONSTANTS, w: floats([2, 1, 1, 1], [1, 2]) },
  });
  assert.deepEqual(shape(g), [["Conv", ["x", "w"], ["v"]], ["HardSigmoid", ["v"], ["y"]]]);
});
