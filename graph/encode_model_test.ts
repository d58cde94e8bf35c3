import assert from "node:assert/strict";
import { fromBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema } from "../proto/gen/onnx_pb.ts";
import { decodeModel } from "./decode_model.ts";
import { encodeModel } from "./encode_model.ts";
import { DTYPES, typedAlloc } from "./dtype.ts";
import type { Attribute, Graph, HostTensor, Model } from "./ir.ts";
import { MODEL_NAMES, modelPath } from "../tests/model_cases.ts";

function tensor(dtype: HostTensor["dtype"], dims: number[]): HostTensor {
  const data = typedAlloc(dtype, dims.reduce((a, b) => a * b, 1));
  new Uint8Array(data.buffer).forEach((_, i, bytes) => (bytes[i] = (i * 37 + 11) & 0x7f));
  return { dtype, dims, data };
}

function graph(name: string, nodes: Graph["nodes"], extra: Partial<Graph> = {}): Graph {
  return {
    name,
    nodes,
    inputs: [{ name: "x", dtype: "float32", dims: ["N", 3] }],
    outputs: [{ name: "y", dtype: "float32", dims: ["N", 3] }],
    initializers: new Map(),
    valueInfo: new Map(),
    ...extra,
  };
}

function model(irVersion: number): Model {
  const branch = graph("branch", [
    {
      name: "inner",
      opType: "Neg",
      domain: "",
      inputs: ["x"],
      outputs: ["y"],
      attributes: new Map(),
    },
  ], { inputs: [] });
  const attributes = new Map<string, Attribute>([
    ["f", { kind: "float", value: 0.5 }],
    ["i", { kind: "int", value: -3 }],
    ["s", { kind: "string", value: "héllo" }],
    ["t", { kind: "tensor", value: tensor("int64", [2]) }],
    ["g", { kind: "graph", value: branch }],
    ["fs", { kind: "floats", value: [1.5, -2] }],
    ["is", { kind: "ints", value: [1, 2, 3] }],
    ["ss", { kind: "strings", value: ["a", "b"] }],
    ["ts", { kind: "tensors", value: [tensor("uint8", [3]), tensor("bool", [1])] }],
    ["gs", { kind: "graphs", value: [branch, branch] }],
  ]);
  return {
    irVersion,
    opsets: new Map([["", 17], ["com.microsoft", 1]]),
    producerName: "meshrt",
    producerVersion: "1",
    metadata: new Map([["k", "v"]]),
    graph: graph("main", [
      {
        name: "n0",
        opType: "Custom",
        domain: "com.microsoft",
        inputs: ["x", "", "w_float32"],
        outputs: ["y", ""],
        attributes,
      },
    ], {
      initializers: new Map(DTYPES.map((d) => [`w_${d}`, tensor(d, [2, 3])])),
      valueInfo: new Map([["mid", { dtype: "float16", dims: [1, "M"] }]]),
    }),
  };
}

Deno.test("encodeModel() round-trips every attribute kind, element type and graph field", () => {
  const m = model(8);
  assert.deepEqual(decodeModel(encodeModel(m)), m);
});

Deno.test("encodeModel() lists initializers among the inputs before IR version 4", () => {
  const m = model(3);
  const proto = fromBinary(ModelProtoSchema, encodeModel(m));
  assert.equal(proto.graph!.input.length, 1 + m.graph.initializers.size);
  assert.deepEqual(decodeModel(encodeModel(m)).graph, m.graph);
});

Deno.test("encodeModel() round-trips the developer-set models", () => {
  for (const name of MODEL_NAMES) {
    const m = decodeModel(Deno.readFileSync(modelPath(name)));
    assert.deepEqual(decodeModel(encodeModel(m)), m, name);
  }
});
