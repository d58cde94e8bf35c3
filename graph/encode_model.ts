/**
 * Model → ONNX ModelProto bytes: the inverse of {@linkcode decodeModel}, so an optimized
 * graph can be saved and loaded by any ONNX runtime.
 * @module
 */
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  AttributeProto_AttributeType as Kind,
  AttributeProtoSchema,
  type GraphProto,
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  type TensorProto,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from "../proto/gen/onnx_pb.ts";
import { dtypeToOnnx } from "./dtype.ts";
import type { Attribute, Graph, HostTensor, Model, Node, TensorType, ValueInfo } from "./ir.ts";

/** From this IR version on, initializers need not be listed among the graph's inputs. */
const IR_INITIALIZERS_APART = 4;

/**
 * Encodes a model as ONNX ModelProto bytes (weights inline as raw little-endian data).
 * @param model the model, as decoded or as the optimizer left it
 * @returns the bytes of an .onnx file
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeModel } from "./decode_model.ts";
 * const relu = { name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() };
 * const model = {
 *   irVersion: 8, opsets: new Map([["", 17]]), producerName: "", producerVersion: "", metadata: new Map(),
 *   graph: {
 *     name: "g", nodes: [relu], initializers: new Map(), valueInfo: new Map(),
 *     inputs: [{ name: "x", dtype: "float32" as const, dims: ["N"] }],
 *     outputs: [{ name: "y", dtype: "float32" as const, dims: ["N"] }],
 *   },
 * };
 * assert.deepEqual(decodeModel(encodeModel(model)), model);
 * ```
 */
export function encodeModel(model: Model): Uint8Array {
  const encoder = new Encoder(model.irVersion < IR_INITIALIZERS_APART);
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: BigInt(model.irVersion),
      opsetImport: [...model.opsets].map(([domain, version]) => ({
        domain,
        version: BigInt(version),
      })),
      producerName: model.producerName,
      producerVersion: model.producerVersion,
      graph: encoder.graph(model.graph),
      metadataProps: [...model.metadata].map(([key, value]) => ({ key, value })),
    }),
  );
}

class Encoder {
  /** @param initializersAsInputs list initializers as graph inputs too (IR < 4) */
  constructor(readonly initializersAsInputs: boolean) {}

  graph(g: Graph): GraphProto {
    const initializers = [...g.initializers].map(([name, t]) => tensor(t, name));
    const inputs = g.inputs.map(valueInfo);
    if (this.initializersAsInputs) {
      inputs.push(...[...g.initializers].map(([name, t]) => valueInfo({ name, ...t })));
    }
    return create(GraphProtoSchema, {
      name: g.name,
      node: g.nodes.map((n) => this.node(n)),
      input: inputs,
      output: g.outputs.map(valueInfo),
      initializer: initializers,
      valueInfo: [...g.valueInfo].map(([name, t]) => valueInfo({ name, ...t })),
    });
  }

  node(n: Node): NodeProto {
    return create(NodeProtoSchema, {
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs,
      attribute: [...n.attributes].map(([name, a]) => this.attribute(name, a)),
    });
  }

  attribute(name: string, a: Attribute): AttributeProto {
    const text = new TextEncoder();
    const fields: MessageInitShape<typeof AttributeProtoSchema> = (() => {
      switch (a.kind) {
        case "float":
          return { type: Kind.FLOAT, f: a.value };
        case "int":
          return { type: Kind.INT, i: BigInt(a.value) };
        case "string":
          return { type: Kind.STRING, s: text.encode(a.value) };
        case "tensor":
          return { type: Kind.TENSOR, t: tensor(a.value) };
        case "graph":
          return { type: Kind.GRAPH, g: this.graph(a.value) };
        case "floats":
          return { type: Kind.FLOATS, floats: a.value };
        case "ints":
          return { type: Kind.INTS, ints: a.value.map(BigInt) };
        case "strings":
          return { type: Kind.STRINGS, strings: a.value.map((s) => text.encode(s)) };
        case "tensors":
          return { type: Kind.TENSORS, tensors: a.value.map((t) => tensor(t)) };
        case "graphs":
          return { type: Kind.GRAPHS, graphs: a.value.map((g) => this.graph(g)) };
      }
    })();
    return create(AttributeProtoSchema, { name, ...fields });
  }
}

function tensor(t: HostTensor, name = ""): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: dtypeToOnnx(t.dtype),
    dims: t.dims.map(BigInt),
    rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice(),
  });
}

function valueInfo(v: ValueInfo): ValueInfoProto {
  return create(ValueInfoProtoSchema, { name: v.name, type: tensorType(v) });
}

function tensorType(t: TensorType) {
  const shape = t.dims && {
    dim: t.dims.map((d) =>
      create(TensorShapeProto_DimensionSchema, {
        value: typeof d === "number"
          ? { case: "dimValue", value: BigInt(d) }
          : { case: "dimParam", value: d },
      })
    ),
  };
  return create(TypeProtoSchema, {
    value: { case: "tensorType", value: { elemType: dtypeToOnnx(t.dtype), shape } },
  });
}
