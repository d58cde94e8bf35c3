import assert from "node:assert/strict";
import type { Graph, Node } from "../ir.ts";
import { opSchema } from "../ops/registry.ts";
import { readsOf } from "../reads.ts";
import { floats, modelOf } from "./_testing.ts";
import { optimizeModel, runPipelines } from "./optimize_model.ts";
import { fuseConvActivation } from "./fuse_activation.ts";
import { pipelinesFor } from "./levels.ts";

const NO_EVAL = () => undefined;

/** Conv → BatchNormalization → Relu → Identity, a graph every level changes differently. */
const CONV_BN_RELU = modelOf({
  inputs: { x: [1, 1, 4, 4] },
  outputs: ["y"],
  nodes: [
    ["Conv", ["x", "w"], ["c"]],
    ["BatchNormalization", ["c", "s", "b", "m", "v"], ["n"]],
    ["Relu", ["n"], ["r"]],
    ["Identity", ["r"], ["y"]],
  ],
  initializers: {
    w: floats([1, 1, 1, 1], [2]),
    s: floats([1], [1]),
    b: floats([1], [0]),
    m: floats([1], [0]),
    v: floats([1], [1]),
  },
});

function inDependencyOrder(graph: Graph): boolean {
  const made = new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  return graph.nodes.every((node: Node) => {
    const ok = readsOf(node).every((r) => made.has(r));
    node.outputs.forEach((o) => made.add(o));
    return ok;
  });
}

Deno.test("optimizeModel() leaves the model alone when disabled", () => {
  const { model, report } = optimizeModel(CONV_BN_RELU, "disabled", NO_EVAL);
  assert.equal(model, CONV_BN_RELU);
  assert.deepEqual(report, { level: "disabled", nodesBefore: 4, nodesAfter: 4, passes: {} });
});

Deno.test("optimizeModel() does more at each level and reports what it did", () => {
  const run = (level: "basic" | "extended") => {
    const { model, report } = optimizeModel(CONV_BN_RELU, level, NO_EVAL);
    assert.ok(inDependencyOrder(model.graph));
    assert.equal(report.nodesAfter, model.graph.nodes.length);
    return { ops: model.graph.nodes.map((n) => n.opType), passes: report.passes };
  };
  const basic = run("basic"), extended = run("extended");
  assert.deepEqual(basic.ops, ["Conv", "BatchNormalization", "Relu"]);
  assert.equal(basic.passes.eliminateIdentity, 1);
  assert.deepEqual(extended.ops, ["Conv", "Relu"]);
  assert.equal(extended.passes.foldConvBatchNorm, 1);
  assert.equal(CONV_BN_RELU.graph.nodes.length, 4);
});

Deno.test("optimizeModel() fuses activations at level all only once the engine runs FusedConv", () => {
  const { model } = optimizeModel(CONV_BN_RELU, "all", NO_EVAL);
  const fused = model.graph.nodes.some((n) => n.opType === "FusedConv");
  assert.equal(fused, opSchema("FusedConv", "com.microsoft") !== undefined);
});

Deno.test("runPipelines() imports the com.microsoft domain for the fused ops it emits", () => {
  const pipelines = [...pipelinesFor("extended"), { name: "f", rules: [fuseConvActivation] }];
  const { model } = runPipelines(CONV_BN_RELU, pipelines, NO_EVAL);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["FusedConv"]);
  assert.equal(model.opsets.get("com.microsoft"), 1);
  assert.equal(model.graph.initializers.size, 2);
});

Deno.test("optimizeModel() optimizes subgraphs, which see the outer graph's constants", () => {
  const node = (opType: string, input: string, output: string): Node => ({
    name: output,
    opType,
    domain: "",
    inputs: [input],
    outputs: [output],
    attributes: new Map(),
  });
  const branch: Graph = {
    name: "then",
    nodes: [node("Identity", "k", "a"), node("Neg", "a", "b"), node("Relu", "b", "o")],
    inputs: [],
    outputs: [{ name: "o", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  };
  const model = modelOf({
    inputs: { c: { dtype: "bool", dims: [] } },
    outputs: ["y"],
    nodes: [["If", ["c"], ["y"], {
      then_branch: { kind: "graph", value: branch },
      else_branch: { kind: "graph", value: branch },
    }]],
    initializers: { k: floats([1], [3]) },
  });
  const asked: string[] = [];
  const { model: out, report } = optimizeModel(model, "basic", (node) => {
    asked.push(node.opType);
    return [floats([1], [asked.length])];
  });
  const then = out.graph.nodes[0].attributes.get("then_branch");
  assert.ok(then?.kind === "graph");
  assert.deepEqual(then.value.nodes.map((n) => [n.opType, n.inputs]), [["Relu", ["b"]]]);
  assert.deepEqual([...then.value.initializers.keys()], ["b"]);
  assert.deepEqual(asked, ["Identity", "Neg", "Identity", "Neg"]);
  assert.deepEqual([report.nodesBefore, report.nodesAfter], [7, 3]);
});
