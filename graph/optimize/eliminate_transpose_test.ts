import assert from "node:assert/strict";
import { optimizeGraphForTest } from "./_testing.ts";
import { eliminateTranspose } from "./eliminate_transpose.ts";

Deno.test("eliminateTranspose() composes two Transposes into one", () => {
  const g = optimizeGraphForTest([eliminateTranspose], {
    inputs: { x: [2, 3, 4] },
    outputs: ["y"],
    nodes: [
      ["Transpose", ["x"], ["t"], { perm: [1, 2, 0] }],
      ["Transpose", ["t"], ["y"], { perm: [0, 2, 1] }],
    ],
  });
  assert.deepEqual(g.nodes.map((n) => [n.inputs, n.attributes.get("perm")?.value]), [
    [["x"], [1, 0, 2]],
  ]);
});

Deno.test("eliminateTranspose() keeps a shared first Transpose unless the pair cancels", () => {
  const spec = (perm: number[]) => ({
    inputs: { x: [2, 3, 4] },
    outputs: ["y", "t"],
    nodes: [
      ["Transpose", ["x"], ["t"], { perm: [1, 2, 0] }],
      ["Transpose", ["t"], ["y"], { perm }],
    ] as [string, string[], string[], Record<string, number[]>][],
  });
  assert.equal(optimizeGraphForTest([eliminateTranspose], spec([0, 2, 1])).nodes.length, 2);
  const cancelled = optimizeGraphForTest([eliminateTranspose], spec([2, 0, 1]));
  assert.deepEqual(cancelled.nodes.at(-1)?.attributes.get("perm")?.value, [0, 1, 2]);
  assert.deepEqual(cancelled.nodes.at(-1)?.inputs, ["x"]);
});
