import assert from "node:assert/strict";
import { floats, optimizeGraphForTest } from "./_testing.ts";
import { eliminateCommon } from "./eliminate_common.ts";

Deno.test("eliminateCommon() merges nodes computing the same thing", () => {
  const g = optimizeGraphForTest([eliminateCommon], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [
      ["LeakyRelu", ["x"], ["a"], { alpha: 0.5 }],
      ["LeakyRelu", ["x"], ["b"], { alpha: 0.5 }],
      ["Add", ["a", "b"], ["y"]],
    ],
  });
  assert.deepEqual(g.nodes.map((n) => n.inputs), [["x"], ["a", "a"]]);
});

Deno.test("eliminateCommon() shares equal constants so their readers merge too", () => {
  const g = optimizeGraphForTest([eliminateCommon], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [["Add", ["x", "c1"], ["a"]], ["Add", ["x", "c2"], ["b"]], ["Mul", ["a", "b"], ["y"]]],
    initializers: { c1: floats([1], [3]), c2: floats([1], [3]) },
  });
  assert.deepEqual(g.nodes.map((n) => n.inputs), [["x", "c1"], ["a", "a"]]);
  assert.deepEqual([...g.initializers.keys()], ["c1"]);
});

Deno.test("eliminateCommon() keeps nodes that differ, random ops, subgraphs and graph outputs", () => {
  const g = optimizeGraphForTest([eliminateCommon], {
    inputs: { x: [2] },
    outputs: ["y", "o"],
    nodes: [
      ["LeakyRelu", ["x"], ["a"], { alpha: 0.5 }],
      ["LeakyRelu", ["x"], ["b"], { alpha: 0.25 }],
      ["RandomUniformLike", ["x"], ["r1"]],
      ["RandomUniformLike", ["x"], ["r2"]],
      ["Sum", ["a", "b", "r1", "r2"], ["y"]],
      ["LeakyRelu", ["x"], ["o"], { alpha: 0.5 }],
    ],
  });
  assert.equal(g.nodes.length, 6);
});

Deno.test("eliminateCommon() tells -0 from 0 when sharing constants", () => {
  const g = optimizeGraphForTest([eliminateCommon], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [["Div", ["x", "m"], ["a"]], ["Div", ["x", "p"], ["b"]], ["Add", ["a", "b"], ["y"]]],
    initializers: { m: floats([1], [-0]), p: floats([1], [0]) },
  });
  assert.equal(g.nodes.length, 3);
});
