import assert from "node:assert/strict";
import type { Attribute, Graph } from "../ir.ts";
import { floats, type NodeSpec, optimizeGraphForTest } from "./_testing.ts";
import { fuseConvActivation, fuseGemmActivation } from "./fuse_activation.ts";

const CONV: NodeSpec = ["Conv", ["x", "w"], ["c"], { pads: [1, 1, 1, 1] }];

function convThen(act: NodeSpec, opset = 17, inputs = {}): Graph {
  return optimizeGraphForTest(
    [fuseConvActivation],
    {
      inputs: { x: [1, 1, 4, 4], w: [2, 1, 3, 3], ...inputs },
      outputs: ["y"],
      nodes: [CONV, act],
      initializers: { lo: floats([], [-1]), hi: floats([1], [6]) },
    },
    undefined,
    opset,
  );
}

function attrs(g: Graph): Record<string, Attribute["value"]> {
  return Object.fromEntries([...g.nodes[0].attributes].map(([k, a]) => [k, a.value]));
}

Deno.test("fuseConvActivation() emits FusedConv with ONNX Runtime's activation attributes", () => {
  const cases: [NodeSpec, Record<string, Attribute["value"]>, number?][] = [
    [["Relu", ["c"], ["y"]], { activation: "Relu" }],
    [["Sigmoid", ["c"], ["y"]], { activation: "Sigmoid" }],
    [["LeakyRelu", ["c"], ["y"]], { activation: "LeakyRelu", activation_params: [0.01] }],
    [["HardSigmoid", ["c"], ["y"], { beta: 0.25 }], {
      activation: "HardSigmoid",
      activation_params: [0.2, 0.25],
    }],
    [["Clip", ["c", "lo", "hi"], ["y"]], { activation: "Clip", activation_params: [-1, 6] }],
    [["Clip", ["c", "", "hi"], ["y"]], {
      activation: "Clip",
      activation_params: [-3.4028234663852886e38, 6],
    }],
    [
      ["Clip", ["c"], ["y"], { min: 0, max: 6 }],
      { activation: "Clip", activation_params: [0, 6] },
      6,
    ],
  ];
  for (const [act, want, opset] of cases) {
    const g = convThen(act, opset);
    assert.deepEqual(g.nodes.map((n) => [n.domain, n.opType, n.inputs, n.outputs]), [
      ["com.microsoft", "FusedConv", ["x", "w"], ["y"]],
    ]);
    assert.deepEqual(attrs(g), { pads: [1, 1, 1, 1], ...want }, act[0]);
  }
});

Deno.test("fuseConvActivation() keeps non-constant Clip bounds, float64 and unsupported activations", () => {
  assert.equal(convThen(["Clip", ["c", "m"], ["y"]], 17, { m: [] }).nodes.length, 2);
  assert.equal(convThen(["HardSwish", ["c"], ["y"]]).nodes.length, 2);
  const f64 = optimizeGraphForTest([fuseConvActivation], {
    inputs: {
      x: { dtype: "float64", dims: [1, 1, 4, 4] },
      w: { dtype: "float64", dims: [2, 1, 3, 3] },
    },
    outputs: ["y"],
    nodes: [CONV, ["Relu", ["c"], ["y"]]],
  });
  assert.equal(f64.nodes.length, 2);
});

Deno.test("fuseGemmActivation() emits FusedGemm for Gemm and 2-D MatMul", () => {
  const g = optimizeGraphForTest([fuseGemmActivation], {
    inputs: { a: [2, 3], b: [4, 3], c: [4], d: [3, 4] },
    outputs: ["y", "z"],
    nodes: [
      ["Gemm", ["a", "b", "c"], ["p"], { transB: 1 }],
      ["LeakyRelu", ["p"], ["y"], { alpha: 0.5 }],
      ["MatMul", ["a", "d"], ["q"]],
      ["Tanh", ["q"], ["z"]],
    ],
  });
  assert.deepEqual(g.nodes.map((n) => [n.domain, n.opType, n.inputs]), [
    ["com.microsoft", "FusedGemm", ["a", "b", "c"]],
    ["com.microsoft", "FusedGemm", ["a", "d"]],
  ]);
  assert.deepEqual(attrs(g), { transB: 1, activation: "LeakyRelu", activation_alpha: 0.5 });
});

Deno.test("fuseGemmActivation() keeps Clip, which FusedGemm lacks, and batched MatMuls", () => {
  const g = optimizeGraphForTest([fuseGemmActivation], {
    inputs: { a: [2, 3], b: [3, 4], e: [5, 2, 3] },
    outputs: ["y", "z"],
    nodes: [
      ["Gemm", ["a", "b"], ["p"]],
      ["Clip", ["p"], ["y"]],
      ["MatMul", ["e", "b"], ["q"]],
      ["Relu", ["q"], ["z"]],
    ],
  });
  assert.deepEqual(g.nodes.map((n) => n.opType), ["Gemm", "Clip", "MatMul", "Relu"]);
});
