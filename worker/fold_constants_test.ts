import assert from "node:assert/strict";
import type { HostTensor, Node } from "../graph/ir.ts";
import { encodeModel } from "../graph/encode_model.ts";
import { floats, int64s, modelOf } from "../graph/optimize/_testing.ts";
import { optimizeModel } from "../graph/optimize/optimize_model.ts";
import { Tensor } from "../graph/tensor.ts";
import { createConstantEvaluator } from "./fold_constants.ts";
import { InferenceSession } from "./session.ts";

function node(opType: string, inputs: string[], outputs: string[], attributes = new Map()): Node {
  return { name: opType, opType, domain: "", inputs, outputs, attributes };
}

const evaluate = await createConstantEvaluator();

Deno.test("createConstantEvaluator() runs nodes with the WASM kernels", () => {
  const axis = new Map([["axis", { kind: "int" as const, value: 0 }]]);
  const out = evaluate(node("Concat", ["a", "b"], ["y"], axis), [
    int64s([1], [2]),
    int64s([2], [3, 4]),
  ], 17);
  assert.ok(out);
  const [y] = out as HostTensor[];
  assert.deepEqual(y.dims, [3]);
  assert.deepEqual(y.data, new BigInt64Array([2n, 3n, 4n]));
});

Deno.test("createConstantEvaluator() gives up on ops it cannot run and on failing nodes", () => {
  assert.equal(evaluate(node("NoSuchOp", ["a"], ["y"]), [floats([1], [1])], 17), undefined);
  const reshape = node("Reshape", ["x", "s"], ["y"]);
  assert.equal(evaluate(reshape, [floats([3], [1, 2, 3]), int64s([1], [2])], 17), undefined);
});

/** A shape computation feeding a Reshape, with a Constant and a foldable chain. */
const SHAPE_MODEL = modelOf({
  inputs: { x: ["N", 3, 3] },
  outputs: ["y"],
  nodes: [
    ["Shape", ["x"], ["s"]],
    ["Gather", ["s", "two"], ["d"]],
    ["Constant", [], ["k"], { value_ints: [-1] }],
    ["Mul", ["d", "d"], ["d2"]],
    ["Unsqueeze", ["d2", "zero"], ["u"]],
    ["Concat", ["k", "u"], ["shape"], { axis: 0 }],
    ["Reshape", ["x", "shape"], ["r"]],
    ["Add", ["r", "bias"], ["y"]],
  ],
  initializers: {
    two: int64s([], [2]),
    zero: int64s([1], [0]),
    bias: floats([9], [1, 2, 3, 4, 5, 6, 7, 8, 9]),
  },
}, 13);

Deno.test("optimizeModel() folds a shape computation with the real evaluator", () => {
  const { model, report } = optimizeModel(SHAPE_MODEL, "basic", evaluate);
  assert.deepEqual(model.graph.nodes.map((n) => n.opType), ["Reshape", "Add"]);
  const shape = model.graph.initializers.get(model.graph.nodes[0].inputs[1]);
  assert.deepEqual(shape?.data, new BigInt64Array([-1n, 9n]));
  assert.deepEqual([report.nodesBefore, report.nodesAfter], [8, 2]);
});

Deno.test("InferenceSession gives the same outputs at every level and writes the model", async () => {
  const bytes = encodeModel(SHAPE_MODEL);
  const x = new Tensor("float32", Float32Array.from({ length: 18 }, (_, i) => i - 6), [2, 3, 3]);
  const path = await Deno.makeTempFile({ suffix: ".onnx" });
  try {
    const results = [];
    for (const level of ["disabled", "basic", "extended", "all"] as const) {
      const session = await InferenceSession.create(bytes, {
        graphOptimizationLevel: level,
        optimizedModelFilePath: path,
      });
      results.push(Array.from((await session.run({ x })).y.data as Float32Array));
      const written = await InferenceSession.create(path, { graphOptimizationLevel: "disabled" });
      assert.equal(written.optimization.nodesBefore, session.optimization.nodesAfter);
    }
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.equal(results[0].length, 18);
  } finally {
    await Deno.remove(path);
  }
});
