import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema } from "../proto/gen/onnx_pb.ts";
import { decodeModel } from "./decode_model.ts";
import { encodeModel } from "./encode_model.ts";
import { ModelLoadError } from "./errors.ts";
import type { Attribute, Graph, Model, Node, ValueInfo } from "./ir.ts";
import { opSchema, supportedOps } from "./ops/registry.ts";
import { MAX_OPSET } from "./validate_model.ts";
import { readManifest, SUITE_DIR } from "../tests/conformance/onnx_case.ts";

type Attrs = Record<string, Attribute>;

function node(
  name: string,
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Attrs = {},
) {
  return { name, opType, domain: "", inputs, outputs, attributes: new Map(Object.entries(attrs)) };
}

const f32 = (name: string, dims: ValueInfo["dims"] = [2]): ValueInfo => ({
  name,
  dtype: "float32",
  dims,
});

/** x → nodes → y at `opset`, with `extra` overriding any graph field. */
function model(nodes: Node[], extra: Partial<Graph> = {}, opset = 13): Model {
  return {
    irVersion: 8,
    opsets: new Map([["", opset]]),
    producerName: "test",
    producerVersion: "1",
    metadata: new Map(),
    graph: {
      name: "main",
      nodes,
      inputs: [f32("x")],
      outputs: [f32("y")],
      initializers: new Map(),
      valueInfo: new Map(),
      ...extra,
    },
  };
}

/** Loads `m` the way every model loads: from its bytes. */
const load = (m: Model | Uint8Array) => decodeModel(m instanceof Uint8Array ? m : encodeModel(m));

/** Asserts loading fails with a ModelLoadError matching `message` and carrying `fields`. */
function assertRejects(
  m: Model | Uint8Array,
  message: RegExp,
  fields: { nodeName?: string; valueName?: string } = {},
) {
  assert.throws(() => load(m), (e: unknown) => {
    assert.ok(e instanceof ModelLoadError, `expected ModelLoadError, got ${e}`);
    assert.match(e.message, message);
    for (const [k, v] of Object.entries(fields)) assert.equal(e[k as keyof typeof fields], v);
    return true;
  });
}

const relu = (name = "r", input = "x", output = "y") => node(name, "Relu", [input], [output]);
const weights = { dtype: "float32" as const, dims: [2], data: new Float32Array(2) };

Deno.test("validateModel() accepts a well-formed model, zero-size dims included", () => {
  load(model([relu()]));
  load(model([relu()], { inputs: [f32("x", [0, 3])], outputs: [f32("y", [0, 3])] }));
});

Deno.test("validateModel() rejects a graph output nothing produces", () => {
  assertRejects(
    model([relu()], { outputs: [f32("z")] }),
    /graph "main": graph output "z" is not produced by any node, initializer or input/,
    { valueName: "z" },
  );
});

Deno.test("validateModel() rejects a node input nothing defines", () => {
  assertRejects(
    model([node("r", "Relu", ["q"], ["y"])]),
    /node "r" \(Relu\) reads "q", which no node, initializer or input defines/,
    { nodeName: "r", valueName: "q" },
  );
});

Deno.test("validateModel() rejects nodes out of topological order, as ONNX requires", () => {
  assertRejects(
    model([relu("b", "t", "y"), relu("a", "x", "t")]),
    /node "b" \(Relu\) reads "t" before node "a" produces it: ONNX requires nodes in topological order/,
    { nodeName: "b", valueName: "t" },
  );
});

Deno.test("validateModel() names the nodes of a cycle", () => {
  const add = node("a", "Add", ["x", "u"], ["t"]);
  assertRejects(
    model([add, relu("b", "t", "u"), relu("c", "t", "y")]),
    /nodes "b" → "a" → "b" form a cycle/,
    { nodeName: "a", valueName: "u" },
  );
  assertRejects(model([node("s", "Add", ["x", "y"], ["y"])]), /nodes "s" → "s" form a cycle/);
});

Deno.test("validateModel() lets subgraphs read enclosing values and names the subgraph at fault", () => {
  const branch = (reads: string): Attribute => ({
    kind: "graph",
    value: {
      ...model([relu("inner", reads, "o")]).graph,
      name: "then",
      inputs: [],
      outputs: [f32("o")],
    },
  });
  const cond = { dtype: "bool" as const, dims: [], data: new Uint8Array(1) };
  const ifNode = (reads: string) =>
    node("if", "If", ["c"], ["y"], { then_branch: branch(reads), else_branch: branch("x") });
  load(model([ifNode("x")], { initializers: new Map([["c", cond]]) }));
  assertRejects(
    model([ifNode("nope")], { initializers: new Map([["c", cond]]) }),
    /graph "then" of node "if": node "inner" \(Relu\) reads "nope"/,
    { nodeName: "inner" },
  );
});

Deno.test("validateModel() rejects a value produced twice or shadowing an input or initializer", () => {
  assertRejects(
    model([relu("a"), relu("b")]),
    /node "b" \(Relu\) writes "y", which node "a" already defines/,
    { nodeName: "b", valueName: "y" },
  );
  assertRejects(model([relu("a", "x", "x"), relu()]), /writes "x", which a graph input already/);
  assertRejects(
    model([relu("a", "x", "w"), relu()], { initializers: new Map([["w", weights]]) }),
    /node "a" \(Relu\) writes "w", which an initializer already defines/,
  );
  assertRejects(
    model([relu()], { inputs: [f32("x"), f32("x")] }),
    /graph input "x" is listed twice/,
  );
});

Deno.test("validateModel() rejects duplicate initializers and attributes in the bytes", () => {
  const proto = fromBinary(
    ModelProtoSchema,
    encodeModel(model([relu()], {
      initializers: new Map([["w", weights]]),
    })),
  );
  proto.graph!.initializer.push(proto.graph!.initializer[0]);
  assertRejects(toBinary(ModelProtoSchema, proto), /initializer "w" is listed twice/);
  const attrs = { alpha: { kind: "float", value: 0.1 } } as const;
  const twice = fromBinary(
    ModelProtoSchema,
    encodeModel(model([
      node("l", "LeakyRelu", ["x"], ["y"], attrs),
    ])),
  );
  twice.graph!.node[0].attribute.push(twice.graph!.node[0].attribute[0]);
  assertRejects(
    toBinary(ModelProtoSchema, twice),
    /node "l" \(LeakyRelu\): attribute "alpha" is given twice/,
  );
});

Deno.test("validateModel() checks input and output counts at the model's opset", () => {
  assertRejects(
    model([node("r", "Relu", ["x", "x"], ["y"])]),
    /node "r" \(Relu\) has 2 inputs, its op takes 1 at opset 13/,
    { nodeName: "r" },
  );
  assertRejects(
    model([node("m", "MaxPool", ["x"], ["y", "i", "j"], {
      kernel_shape: { kind: "ints", value: [1] },
    })]),
    /node "m" \(MaxPool\) has 3 outputs, its op takes 1 to 2/,
  );
  assertRejects(model([node("s", "Sum", [], ["y"])]), /has 0 inputs, its op takes at least 1/);
  const clip = (opset: number) => model([node("c", "Clip", ["x", "", ""], ["y"])], {}, opset);
  load(clip(13));
  assertRejects(clip(9), /node "c" \(Clip\) has 3 inputs, its op takes 1 at opset 9/);
});

Deno.test("validateModel() leaves the counts of ops it does not know to the runtime", () => {
  load({
    ...model([{ ...node("f", "FooBar", ["x", "x", "x"], ["y"]), domain: "example.com" }]),
    opsets: new Map([["", 13], ["example.com", 1]]),
  });
});

Deno.test("every registered op declares its input and output counts", () => {
  const missing = supportedOps().filter((op) =>
    !(opSchema(op) ?? opSchema(op, "com.microsoft"))?.arity
  );
  assert.deepEqual(missing, []);
});

Deno.test("validateModel() rejects negative declared dims, naming the value", () => {
  assertRejects(
    model([relu()], { inputs: [f32("x", [-2, 3])] }),
    /value "x" declares dims \[-2,3\]: dim -2 is negative/,
    { valueName: "x" },
  );
  assertRejects(
    model([relu()], { valueInfo: new Map([["t", { dtype: "float32", dims: [-1] }]]) }),
    /value "t" declares dims \[-1\]/,
  );
});

Deno.test("validateModel() needs a default-domain opset import no newer than it supports", () => {
  assertRejects(
    { ...model([relu()]), opsets: new Map() },
    /imports no opset of the default domain \(ai\.onnx\)/,
  );
  assertRejects(
    model([relu()], {}, MAX_OPSET + 1),
    new RegExp(`ai.onnx opset ${MAX_OPSET + 1}, meshrt supports 1 to ${MAX_OPSET}`),
  );
  load(model([relu()], {}, MAX_OPSET));
});

Deno.test("validateModel() rejects a node in a domain the model does not import", () => {
  assertRejects(
    model([{ ...relu("f"), opType: "FusedGemm", domain: "com.microsoft" }]),
    /node "f" \(FusedGemm\) is in domain "com.microsoft", which the model does not import/,
  );
});

Deno.test("validateModel() rejects an attribute of the wrong type for a known op", () => {
  assertRejects(
    model([node("c", "Conv", ["x", "x"], ["y"], { strides: { kind: "floats", value: [1.5] } })]),
    /node "c" \(Conv\) has invalid attributes: attribute "strides" is floats, expected ints/,
    { nodeName: "c" },
  );
  assertRejects(
    model([node("l", "LeakyRelu", ["x"], ["y"], { alpha: { kind: "string", value: "big" } })]),
    /node "l" \(LeakyRelu\) has invalid attributes: attribute "alpha" is string/,
  );
});

Deno.test("validateModel() accepts every model of the ONNX node test suite", () => {
  for (const { name } of readManifest()) {
    const bytes = Deno.readFileSync(new URL(`node/${name}/model.onnx`, SUITE_DIR));
    try {
      decodeModel(bytes);
    } catch (e) {
      if (e instanceof ModelLoadError) assert.fail(`${name}: ${e.message}`);
    }
  }
});
