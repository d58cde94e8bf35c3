import assert from "node:assert/strict";
import type { Graph } from "../ir.ts";
import { int64s, optimizeGraphForTest } from "./_testing.ts";
import { foldShapes } from "./fold_shapes.ts";

function valueOf(g: Graph, name: string): number[] | undefined {
  const t = g.initializers.get(name);
  return t && Array.from(t.data as BigInt64Array, Number);
}

Deno.test("foldShapes() folds Shape and Size of static dims, honouring start and end", () => {
  const g = optimizeGraphForTest([foldShapes], {
    inputs: { x: [2, 3, 4] },
    outputs: ["y"],
    nodes: [
      ["Shape", ["x"], ["s"]],
      ["Shape", ["x"], ["t"], { start: 1, end: -1 }],
      ["Size", ["x"], ["n"]],
      ["Concat", ["s", "t", "n1"], ["y"], { axis: 0 }],
      ["Unsqueeze", ["n", "zero"], ["n1"]],
    ],
    initializers: { zero: int64s([1], [0]) },
  });
  assert.deepEqual(valueOf(g, "s"), [2, 3, 4]);
  assert.deepEqual(valueOf(g, "t"), [3]);
  assert.deepEqual(valueOf(g, "n"), [24]);
  assert.deepEqual(g.initializers.get("n")?.dims, []);
});

Deno.test("foldShapes() picks known dims out of a partly symbolic shape", () => {
  const g = optimizeGraphForTest([foldShapes], {
    inputs: { x: ["N", 3, 8] },
    outputs: ["a", "b", "c"],
    nodes: [
      ["Shape", ["x"], ["s"]],
      ["Gather", ["s", "last"], ["g"]],
      ["Slice", ["s", "one", "big"], ["sl"]],
      ["Gather", ["s", "zero"], ["batch"]],
      ["Identity", ["g"], ["a"]],
      ["Identity", ["sl"], ["b"]],
      ["Identity", ["batch"], ["c"]],
    ],
    initializers: {
      last: int64s([], [-1]),
      one: int64s([1], [1]),
      big: int64s([1], [100]),
      zero: int64s([], [0]),
    },
  });
  assert.deepEqual(valueOf(g, "g"), [8]);
  assert.deepEqual(g.initializers.get("g")?.dims, []);
  assert.deepEqual(valueOf(g, "sl"), [3, 8]);
  assert.equal(valueOf(g, "batch"), undefined);
  assert.deepEqual(g.nodes.map((n) => n.opType).filter((o) => o !== "Identity"), [
    "Shape",
    "Gather",
  ]);
});

Deno.test("foldShapes() leaves Size of symbolic dims and Shape of an unknown rank", () => {
  const g = optimizeGraphForTest([foldShapes], {
    inputs: { x: ["N", 3], u: { dtype: "float32" } },
    outputs: ["n", "s"],
    nodes: [["Size", ["x"], ["n"]], ["Shape", ["u"], ["s"]]],
  });
  assert.equal(g.nodes.length, 2);
});
