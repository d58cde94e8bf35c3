import assert from "node:assert/strict";
import type { Graph } from "../ir.ts";
import { floats, type GraphSpec, int64s, optimizeGraphForTest } from "./_testing.ts";
import { eliminateIdentity } from "./eliminate_identity.ts";

/** The ops left after eliminating no-ops from `x → op → Neg → y`. */
function survivors(op: GraphSpec["nodes"][number], extra: Partial<GraphSpec> = {}): string[] {
  const g = optimizeGraphForTest(
    [eliminateIdentity],
    {
      inputs: { x: [2, 3] },
      outputs: ["y"],
      nodes: [op, ["Neg", ["a"], ["y"]]],
      ...extra,
    },
    undefined,
    13,
  );
  return g.nodes.map((n) => n.opType);
}

Deno.test("eliminateIdentity() bypasses ops that return their input unchanged", () => {
  const init = {
    initializers: {
      shape: int64s([2], [2, 3]),
      pads: int64s([4], [0, 0, 0, 0]),
      zero: floats([1], [0]),
      one: floats([], [1]),
      starts: int64s([1], [0]),
      ends: int64s([1], [99]),
      ones: int64s([2], [1, 1]),
    },
  };
  const cases: GraphSpec["nodes"] = [
    ["Identity", ["x"], ["a"]],
    ["Dropout", ["x"], ["a", ""]],
    ["Cast", ["x"], ["a"], { to: 1 }],
    ["Reshape", ["x", "shape"], ["a"]],
    ["Expand", ["x", "shape"], ["a"]],
    ["Tile", ["x", "ones"], ["a"]],
    ["Transpose", ["x"], ["a"], { perm: [0, 1] }],
    ["Pad", ["x", "pads"], ["a"]],
    ["Slice", ["x", "starts", "ends"], ["a"]],
    ["Add", ["zero", "x"], ["a"]],
    ["Sub", ["x", "zero"], ["a"]],
    ["Mul", ["x", "one"], ["a"]],
    ["Div", ["x", "one"], ["a"]],
    ["Concat", ["x"], ["a"], { axis: 0 }],
    ["Max", ["x"], ["a"]],
  ];
  for (const op of cases) assert.deepEqual(survivors(op, init), ["Neg"], op[0]);
});

Deno.test("eliminateIdentity() keeps ops that change values, types or shapes", () => {
  const init = {
    initializers: {
      zeros: floats([2, 2, 3], new Array(12).fill(0)),
      two: floats([1], [2]),
      back: int64s([1], [-1]),
      starts: int64s([1], [-1]),
      ends: int64s([1], [-99]),
      axes: int64s([1], [1]),
    },
  };
  const cases: GraphSpec["nodes"] = [
    ["Cast", ["x"], ["a"], { to: 11 }],
    ["Transpose", ["x"], ["a"]],
    ["Add", ["x", "zeros"], ["a"]],
    ["Mul", ["x", "two"], ["a"]],
    ["Sub", ["zeros", "x"], ["a"]],
    ["Slice", ["x", "starts", "ends", "axes", "back"], ["a"]],
    ["Concat", ["x", "x"], ["a"], { axis: 0 }],
  ];
  for (const op of cases) assert.equal(survivors(op, init).length, 2, op[0]);
  const mask = optimizeGraphForTest([eliminateIdentity], {
    inputs: { x: [2] },
    outputs: ["y", "m"],
    nodes: [["Dropout", ["x"], ["a", "m"]], ["Neg", ["a"], ["y"]]],
  });
  assert.equal(mask.nodes.length, 2);
});

Deno.test("eliminateIdentity() keeps a graph output's name by renaming its source", () => {
  const g = optimizeGraphForTest([eliminateIdentity], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [["Neg", ["x"], ["a"]], ["Relu", ["a"], ["b"]], ["Identity", ["a"], ["y"]]],
  });
  assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]), [
    ["Neg", ["x"], ["y"]],
    ["Relu", ["y"], ["b"]],
  ]);
  const kept = optimizeGraphForTest([eliminateIdentity], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [["Identity", ["x"], ["y"]]],
  });
  assert.equal(kept.nodes.length, 1);
});

Deno.test("eliminateIdentity() redirects values subgraphs capture", () => {
  const branch: Graph = {
    name: "b",
    nodes: [{
      name: "n",
      opType: "Neg",
      domain: "",
      inputs: ["a"],
      outputs: ["o"],
      attributes: new Map(),
    }],
    inputs: [],
    outputs: [{ name: "o", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  };
  const g = optimizeGraphForTest([eliminateIdentity], {
    inputs: { x: [2], c: { dtype: "bool", dims: [] } },
    outputs: ["y"],
    nodes: [
      ["Identity", ["x"], ["a"]],
      ["If", ["c"], ["y"], {
        then_branch: { kind: "graph", value: branch },
        else_branch: { kind: "graph", value: branch },
      }],
    ],
  });
  const then = g.nodes[0].attributes.get("then_branch");
  assert.equal(g.nodes.length, 1);
  assert.deepEqual(then?.kind === "graph" && then.value.nodes[0].inputs, ["x"]);
});
