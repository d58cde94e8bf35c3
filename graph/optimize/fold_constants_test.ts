import assert from "node:assert/strict";
import type { ConstantEvaluator } from "./rule.ts";
import { floats, int64s, optimizeGraphForTest } from "./_testing.ts";
import { foldConstants, MAX_FOLDED_ELEMENTS } from "./fold_constants.ts";

/** Answers every node with [42] and remembers which it was asked. */
function recording(): { evaluate: ConstantEvaluator; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    evaluate: (node) => {
      asked.push(node.opType);
      return node.outputs.map(() => floats([1], [42]));
    },
  };
}

Deno.test("foldConstants() replaces a node of constant inputs by what the evaluator computes", () => {
  const { evaluate, asked } = recording();
  const g = optimizeGraphForTest([foldConstants], {
    inputs: { x: [1] },
    outputs: ["y"],
    nodes: [["Neg", ["c"], ["n"]], ["Add", ["x", "n"], ["y"]]],
    initializers: { c: floats([1], [1]) },
  }, evaluate);
  assert.deepEqual(asked, ["Neg"]);
  assert.deepEqual(g.nodes.map((n) => n.opType), ["Add"]);
  assert.deepEqual(Array.from(g.initializers.get("n")!.data as Float32Array), [42]);
  assert.equal(g.initializers.has("c"), false);
});

Deno.test("foldConstants() turns Constant nodes into initializers without evaluating them", () => {
  const { evaluate, asked } = recording();
  const g = optimizeGraphForTest([foldConstants], {
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [["Constant", [], ["c"], { value_ints: [1, 2] }], ["Reshape", ["x", "c"], ["y"]]],
  }, evaluate);
  assert.deepEqual(asked, []);
  assert.deepEqual(g.initializers.get("c")?.data, new BigInt64Array([1n, 2n]));
});

Deno.test("foldConstants() folds chains in one sweep and treats absent inputs as constant", () => {
  const { evaluate, asked } = recording();
  optimizeGraphForTest([foldConstants], {
    inputs: { x: [1] },
    outputs: ["y"],
    nodes: [["Clip", ["c", "", "m"], ["a"]], ["Neg", ["a"], ["b"]], ["Add", ["x", "b"], ["y"]]],
    initializers: { c: floats([1], [5]), m: floats([], [1]) },
  }, evaluate);
  assert.deepEqual(asked, ["Clip", "Neg"]);
});

Deno.test("foldConstants() leaves random ops, graph outputs, huge results and what cannot run", () => {
  const { evaluate, asked } = recording();
  const big = Math.ceil(Math.sqrt(MAX_FOLDED_ELEMENTS)) + 1;
  const g = optimizeGraphForTest([foldConstants], {
    inputs: { x: [1] },
    outputs: ["y", "r", "z"],
    nodes: [
      ["RandomUniformLike", ["c"], ["r"]],
      ["ConstantOfShape", ["s"], ["huge"]],
      ["Neg", ["c"], ["z"]],
      ["Relu", ["huge"], ["h"]],
      ["Add", ["x", "c"], ["y"]],
    ],
    initializers: { c: floats([1], [1]), s: int64s([2], [big, big]) },
  }, evaluate);
  assert.deepEqual(asked, []);
  assert.equal(g.nodes.length, 5);
  const never = optimizeGraphForTest([foldConstants], {
    inputs: { x: [1] },
    outputs: ["y"],
    nodes: [["Neg", ["c"], ["n"]], ["Add", ["x", "n"], ["y"]]],
    initializers: { c: floats([1], [1]) },
  }, () => undefined);
  assert.equal(never.nodes.length, 2);
});
