import assert from "node:assert/strict";
import type { Graph } from "../ir.ts";
import { modelOf, optimizeGraphForTest } from "./_testing.ts";
import { runPipelines } from "./optimize_model.ts";
import { eliminateDead } from "./eliminate_dead.ts";

Deno.test("eliminateDead() removes a dead chain with one rewrite", () => {
  const model = modelOf({
    inputs: { x: [2] },
    outputs: ["y"],
    nodes: [
      ["Relu", ["x"], ["y"]],
      ["Neg", ["x"], ["a"]],
      ["Abs", ["a"], ["b"]],
      ["Add", ["a", "b"], ["c"]],
    ],
  });
  const { model: out, passes } = runPipelines(
    model,
    [{ name: "t", rules: [eliminateDead] }],
    () => undefined,
  );
  assert.deepEqual(out.graph.nodes.map((n) => n.opType), ["Relu"]);
  assert.deepEqual(passes, { eliminateDead: 1 });
});

Deno.test("eliminateDead() keeps what graph outputs and subgraphs read", () => {
  const branch: Graph = {
    name: "then",
    nodes: [{
      name: "inner",
      opType: "Identity",
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
  const g = optimizeGraphForTest([eliminateDead], {
    inputs: { x: [2], c: { dtype: "bool", dims: [] } },
    outputs: ["y", "z"],
    nodes: [
      ["Neg", ["x"], ["a"]],
      ["If", ["c"], ["y"], {
        then_branch: { kind: "graph", value: branch },
        else_branch: { kind: "graph", value: branch },
      }],
      ["Relu", ["x"], ["z"]],
    ],
  });
  assert.deepEqual(g.nodes.map((n) => n.opType), ["Neg", "If", "Relu"]);
});
