/**
 * ONNX bytes → Model. Everything untrusted is checked here, so the layers above can rely
 * on a well-formed graph.
 * @module
 */
import { fromBinary } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  type GraphProto,
  ModelProtoSchema,
  type TypeProto,
  type ValueInfoProto,
} from "../proto/gen/onnx_pb.ts";
import { dtypeFromOnnx, onnxTypeName } from "./dtype.ts";
import { ModelLoadError, UnsupportedDTypeError } from "./errors.ts";
import { decodeTensor, type ExternalDataResolver } from "./decode_tensor.ts";
import type {
  Attribute,
  Dim,
  Graph,
  HostTensor,
  Model,
  Node,
  TensorType,
  ValueInfo,
} from "./ir.ts";
import { validateModel } from "./validate_model.ts";

/** Options for {@linkcode decodeModel}. */
export interface DecodeOptions {
  /** Resolves external data files named by the model's tensors. */
  externalData?: ExternalDataResolver;
}

/**
 * Decodes ONNX ModelProto bytes and checks the model with {@linkcode validateModel}.
 * @param bytes the .onnx file's contents
 * @returns the model with initializers decoded and subgraphs nested
 * @throws {ModelLoadError} on bytes that are not a valid model, naming what is wrong
 * @throws {UnsupportedDTypeError} on a tensor type meshrt does not support
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelLoadError } from "./errors.ts";
 * assert.throws(() => decodeModel(new Uint8Array([1, 2, 3])), ModelLoadError);
 * ```
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  let proto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes);
  } catch (cause) {
    throw new ModelLoadError(
      `Cannot decode the model: the bytes are not an ONNX ModelProto (${(cause as Error).message})`,
      { cause },
    );
  }
  if (!proto.graph || proto.graph.node.length + proto.graph.output.length === 0) {
    throw new ModelLoadError("Cannot decode the model: it has no graph");
  }
  const opsets = new Map<string, number>();
  for (const o of proto.opsetImport) {
    opsets.set(o.domain === "ai.onnx" ? "" : o.domain, Number(o.version));
  }
  const ctx = new DecodeContext(options.externalData);
  const model: Model = {
    irVersion: Number(proto.irVersion),
    opsets,
    producerName: proto.producerName,
    producerVersion: proto.producerVersion,
    graph: ctx.graph(proto.graph),
    metadata: new Map(proto.metadataProps.map((p) => [p.key, p.value])),
  };
  validateModel(model);
  return model;
}

class DecodeContext {
  #unnamed = 0;
  #unknownDims = 0;
  constructor(readonly external: ExternalDataResolver | undefined) {}

  graph(g: GraphProto): Graph {
    const initializers = new Map<string, HostTensor>();
    for (const t of g.initializer) {
      if (!t.name || initializers.has(t.name)) {
        throw new ModelLoadError(
          `Cannot load graph "${g.name}": initializer "${t.name}" is ${
            t.name ? "listed twice" : "unnamed"
          }`,
          { valueName: t.name },
        );
      }
      initializers.set(t.name, decodeTensor(t, this.external));
    }
    if (g.sparseInitializer.length > 0) {
      throw new ModelLoadError(
        `Cannot load graph "${g.name}": sparse initializers are not supported`,
      );
    }
    const nodes = g.node.map((n) => this.node(n));
    return {
      name: g.name,
      nodes,
      inputs: g.input.filter((v) => !initializers.has(v.name)).map((v) => this.valueInfo(v)),
      outputs: g.output.map((v) => this.valueInfo(v)),
      initializers,
      valueInfo: new Map(
        g.valueInfo.filter((v) => v.type?.value.case === "tensorType").map((v) => {
          const { name: _, ...type } = this.valueInfo(v);
          return [v.name, type];
        }),
      ),
    };
  }

  node(n: GraphProto["node"][number]): Node {
    const name = n.name || `${n.opType}_${this.#unnamed++}`;
    const attributes = new Map<string, Attribute>();
    for (const a of n.attribute) {
      if (attributes.has(a.name)) {
        throw new ModelLoadError(
          `Cannot load node "${name}" (${n.opType}): attribute "${a.name}" is given twice`,
          { nodeName: name },
        );
      }
      attributes.set(a.name, this.attribute(a, name));
    }
    return {
      name,
      opType: n.opType,
      domain: n.domain === "ai.onnx" ? "" : n.domain,
      inputs: [...n.input],
      outputs: [...n.output],
      attributes,
    };
  }

  attribute(a: AttributeProto, nodeName: string): Attribute {
    const kind = a.type || inferAttributeKind(a);
    switch (kind) {
      case 1:
        return { kind: "float", value: a.f };
      case 2:
        return { kind: "int", value: Number(a.i) };
      case 3:
        return { kind: "string", value: new TextDecoder().decode(a.s) };
      case 4:
        return { kind: "tensor", value: decodeTensor(a.t!, this.external, nodeName) };
      case 5:
        return { kind: "graph", value: this.graph(a.g!) };
      case 6:
        return { kind: "floats", value: [...a.floats] };
      case 7:
        return { kind: "ints", value: a.ints.map(Number) };
      case 8:
        return { kind: "strings", value: a.strings.map((s) => new TextDecoder().decode(s)) };
      case 9:
        return {
          kind: "tensors",
          value: a.tensors.map((t) => decodeTensor(t, this.external, nodeName)),
        };
      case 10:
        return { kind: "graphs", value: a.graphs.map((g) => this.graph(g)) };
      default:
        throw new ModelLoadError(
          `Cannot load attribute "${a.name}" of node "${nodeName}": attribute type ${kind} is not supported`,
        );
    }
  }

  valueInfo(v: ValueInfoProto): ValueInfo {
    return { name: v.name, ...this.type(v.type, v.name) };
  }

  type(t: TypeProto | undefined, name: string): TensorType {
    if (!t || t.value.case === undefined) return { dtype: "float32" };
    if (t.value.case !== "tensorType") {
      throw new UnsupportedDTypeError(t.value.case.replace("Type", ""), name);
    }
    const tt = t.value.value;
    const dtype = dtypeFromOnnx(tt.elemType);
    if (!dtype) throw new UnsupportedDTypeError(onnxTypeName(tt.elemType), name);
    if (!tt.shape) return { dtype };
    const dims: Dim[] = tt.shape.dim.map((d) => {
      if (d.value.case === "dimValue") return Number(d.value.value);
      if (d.value.case === "dimParam" && d.value.value) return d.value.value;
      return `unk__${this.#unknownDims++}`;
    });
    return { dtype, dims };
  }
}

/** Old exporters leave `type` unset: infer it from the field that is filled. */
function inferAttributeKind(a: AttributeProto): number {
  if (a.t) return 4;
  if (a.g) return 5;
  if (a.floats.length) return 6;
  if (a.ints.length) return 7;
  if (a.strings.length) return 8;
  if (a.tensors.length) return 9;
  if (a.graphs.length) return 10;
  if (a.s.length) return 3;
  if (a.f) return 1;
  return 2;
}
