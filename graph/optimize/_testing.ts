/**
 * Small hand-built graphs for the optimizer's tests and examples.
 * @module
 */
import type { Attribute, Dim, Graph, HostTensor, Model, Node, TensorType } from "../ir.ts";
import { runPipelines } from "./optimize_model.ts";
import type { ConstantEvaluator, Rule } from "./rule.ts";

/** An attribute value: numbers become ints when whole, floats otherwise. */
type AttrSpec = number | number[] | string | Attribute;

/** A node as [opType, inputs, outputs, attributes?, domain?]. */
export type NodeSpec = [string, string[], string[], Record<string, AttrSpec>?, string?];

/** A graph in a few lines: float32 inputs by dims unless typed, outputs by name. */
export interface GraphSpec {
  inputs: Record<string, Dim[] | TensorType>;
  outputs: string[];
  nodes: NodeSpec[];
  initializers?: Record<string, HostTensor>;
}

/** The graph a spec describes. */
function graphOf(spec: GraphSpec): Graph {
  return {
    name: "test",
    inputs: Object.entries(spec.inputs).map(([name, t]) =>
      Array.isArray(t) ? { name, dtype: "float32", dims: t } : { name, ...t }
    ),
    outputs: spec.outputs.map((name) => ({ name, dtype: "float32" })),
    nodes: spec.nodes.map(nodeOf),
    initializers: new Map(Object.entries(spec.initializers ?? {})),
    valueInfo: new Map(),
  };
}

/** A model of one graph at an ai.onnx opset. */
export function modelOf(spec: GraphSpec, opset = 17): Model {
  return {
    irVersion: 8,
    opsets: new Map([["", opset]]),
    producerName: "test",
    producerVersion: "",
    graph: graphOf(spec),
    metadata: new Map(),
  };
}

/** Runs `rules` as one pipeline to a fixed point; the graph it ends with. */
export function optimizeGraphForTest(
  rules: Rule[],
  spec: GraphSpec,
  evaluate: ConstantEvaluator = () => undefined,
  opset = 17,
): Graph {
  return runPipelines(modelOf(spec, opset), [{ name: "test", rules }], evaluate).model.graph;
}

/** A float32 constant. */
export function floats(dims: number[], values: number[]): HostTensor {
  return { dtype: "float32", dims, data: new Float32Array(values) };
}

/** An int64 constant. */
export function int64s(dims: number[], values: number[]): HostTensor {
  return { dtype: "int64", dims, data: new BigInt64Array(values.map(BigInt)) };
}

function nodeOf([opType, inputs, outputs, attrs = {}, domain = ""]: NodeSpec, i: number): Node {
  const attributes = new Map<string, Attribute>(
    Object.entries(attrs).map(([key, v]) => [key, attributeOf(v)]),
  );
  return { name: `${opType.toLowerCase()}_${i}`, opType, domain, inputs, outputs, attributes };
}

function attributeOf(v: AttrSpec): Attribute {
  if (typeof v === "string") return { kind: "string", value: v };
  if (typeof v === "number") {
    return Number.isInteger(v) ? { kind: "int", value: v } : { kind: "float", value: v };
  }
  if (Array.isArray(v)) {
    return v.every(Number.isInteger) ? { kind: "ints", value: v } : { kind: "floats", value: v };
  }
  return v;
}
