/**
 * `deno run -A scripts/make_test_models.ts`: writes the tiny hand-built models under
 * tests/data/ that doc examples and the error tests load. They are built from the ONNX
 * protobuf messages directly (not from meshrt's IR), so they can hold what meshrt rejects:
 * an unknown op, a string input, a bfloat16 initializer, external data.
 * @module
 */
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  AttributeProto_AttributeType,
  type AttributeProtoSchema,
  type GraphProtoSchema,
  ModelProtoSchema,
  type NodeProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  type TensorProtoSchema,
  type ValueInfoProtoSchema,
} from "../proto/gen/onnx_pb.ts";

type AttributeInit = MessageInitShape<typeof AttributeProtoSchema>;
type GraphInit = MessageInitShape<typeof GraphProtoSchema>;
type NodeInit = MessageInitShape<typeof NodeProtoSchema>;
type TensorInit = MessageInitShape<typeof TensorProtoSchema>;
type ValueInfoInit = MessageInitShape<typeof ValueInfoProtoSchema>;

const FLOAT = TensorProto_DataType.FLOAT;

/** A graph input or output: element type and dims (strings are symbolic). */
function value(name: string, elemType: number, dims: (number | string)[]): ValueInfoInit {
  const dim = dims.map((d) => ({
    value: typeof d === "number"
      ? { case: "dimValue" as const, value: BigInt(d) }
      : { case: "dimParam" as const, value: d },
  }));
  return { name, type: { value: { case: "tensorType", value: { elemType, shape: { dim } } } } };
}

/** A node, named after its first output so errors have a stable name to cite. */
function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: AttributeInit[] = [],
): NodeInit {
  return { name: `${opType.toLowerCase()}_${output[0]}`, opType, input, output, attribute };
}

/** A model at ai.onnx opset 17, IR version 8. */
function model(graph: GraphInit): Uint8Array {
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: "meshrt make_test_models",
      opsetImport: [{ domain: "", version: 17n }],
      graph,
    }),
  );
}

/** y = Relu(x) over float32 [2]: the doc examples' model. */
function relu(): Uint8Array {
  return model({
    name: "relu",
    node: [node("Relu", ["x"], ["y"])],
    input: [value("x", FLOAT, [2])],
    output: [value("y", FLOAT, [2])],
  });
}

/** s = a + b, y = Relu(s) over float32 [n]: two inputs, two outputs, a symbolic dim. */
function addRelu(): Uint8Array {
  return model({
    name: "add_relu",
    node: [node("Add", ["a", "b"], ["s"]), node("Relu", ["s"], ["y"])],
    input: [value("a", FLOAT, ["n"]), value("b", FLOAT, ["n"])],
    output: [value("s", FLOAT, ["n"]), value("y", FLOAT, ["n"])],
  });
}

/** y = FooBar(x): an op no runtime implements. */
function unknownOp(): Uint8Array {
  return model({
    name: "unknown_op",
    node: [node("FooBar", ["x"], ["y"])],
    input: [value("x", FLOAT, [2])],
    output: [value("y", FLOAT, [2])],
  });
}

/** y = Identity(text) over a string tensor. */
function stringInput(): Uint8Array {
  const STRING = TensorProto_DataType.STRING;
  return model({
    name: "string_input",
    node: [node("Identity", ["text"], ["y"])],
    input: [value("text", STRING, [1])],
    output: [value("y", STRING, [1])],
  });
}

/** y = x + Cast(w) with w a bfloat16 initializer [2] (1.0 and 2.0). */
function bfloat16Initializer(): Uint8Array {
  const w: TensorInit = {
    name: "w",
    dataType: TensorProto_DataType.BFLOAT16,
    dims: [2n],
    rawData: new Uint8Array([0x80, 0x3f, 0x00, 0x40]),
  };
  const to: AttributeInit = {
    name: "to",
    type: AttributeProto_AttributeType.INT,
    i: BigInt(FLOAT),
  };
  return model({
    name: "bfloat16_initializer",
    node: [node("Cast", ["w"], ["wf"], [to]), node("Add", ["x", "wf"], ["y"])],
    input: [value("x", FLOAT, [2])],
    output: [value("y", FLOAT, [2])],
    initializer: [w],
  });
}

/** External data file of {@linkcode externalData}: w = [10, 20] as float32 after 4 pad bytes. */
const EXTERNAL_BYTES = new Uint8Array(new Float32Array([0, 10, 20]).buffer);

/** y = x + w, w float32 [2] stored in "external_data.bin" at offset 4. */
function externalData(): Uint8Array {
  const w: TensorInit = {
    name: "w",
    dataType: FLOAT,
    dims: [2n],
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [
      { key: "location", value: "external_data.bin" },
      { key: "offset", value: "4" },
      { key: "length", value: "8" },
    ],
  };
  return model({
    name: "external_data",
    node: [node("Add", ["x", "w"], ["y"])],
    input: [value("x", FLOAT, [2])],
    output: [value("y", FLOAT, [2])],
    initializer: [w],
  });
}

/** Every file this script writes, by path under tests/data/. */
const FILES: Record<string, Uint8Array> = {
  "relu.onnx": relu(),
  "add_relu.onnx": addRelu(),
  "unknown_op.onnx": unknownOp(),
  "string_input.onnx": stringInput(),
  "bfloat16_initializer.onnx": bfloat16Initializer(),
  "external_data.onnx": externalData(),
  "external_data.bin": EXTERNAL_BYTES,
};

if (import.meta.main) {
  for (const [name, bytes] of Object.entries(FILES)) {
    await Deno.writeFile(new URL(`../tests/data/${name}`, import.meta.url), bytes);
  }
}
