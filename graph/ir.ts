/**
 * The in-memory model: what ONNX says, decoded once into plain objects the optimizer,
 * partitioner and executor share.
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";

/** A dimension: a number, or a symbol ("N", "batch") standing for one not known yet. */
export type Dim = number | string;

/** Element type and shape of a value; `dims` undefined when even the rank is unknown. */
export interface TensorType {
  dtype: DType;
  dims?: Dim[];
}

/** A named graph input or output with its declared type. */
export interface ValueInfo extends TensorType {
  name: string;
}

/** Constant tensor data held in JS (initializers, Constant nodes, attributes). */
export interface HostTensor {
  dtype: DType;
  dims: number[];
  data: TypedArray;
}

/** One attribute value, tagged with its ONNX kind so it can be written back unchanged. */
export type Attribute =
  | { kind: "float"; value: number }
  | { kind: "int"; value: number }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: HostTensor }
  | { kind: "graph"; value: Graph }
  | { kind: "floats"; value: number[] }
  | { kind: "ints"; value: number[] }
  | { kind: "strings"; value: string[] }
  | { kind: "tensors"; value: HostTensor[] }
  | { kind: "graphs"; value: Graph[] };

/** A node: op, its inputs and outputs by value name ("" for an absent optional input). */
export interface Node {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, Attribute>;
}

/** A graph: nodes in topological order, its interface and its constants. */
export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, HostTensor>;
  /** Declared types of intermediate values, where the model gives them. */
  valueInfo: Map<string, TensorType>;
}

/** A decoded model. */
export interface Model {
  irVersion: number;
  /** Opset version per domain ("" is ai.onnx). */
  opsets: Map<string, number>;
  producerName: string;
  producerVersion: string;
  graph: Graph;
  metadata: Map<string, string>;
}

/** Number of elements of a concrete shape (1 for a scalar). */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
