/**
 * The contract every op's shape rule follows, shared by static inference (symbolic dims,
 * values known only for constants) and the executor (concrete dims, values readable).
 * @module
 */
import type { DType } from "../dtype.ts";
import type { Dim, Node, TensorType } from "../ir.ts";

/** What a shape rule sees of one input. */
export interface InputInfo {
  dtype: DType;
  /** Undefined when even the rank is unknown (static inference only). */
  dims?: Dim[];
  /**
   * The contents as numbers when they can be known: constants during static inference,
   * any tensor at run time. Rules call it only for small shape-like inputs.
   */
  values(): number[] | undefined;
}

/** Work of one node, for the partitioner and profiles. */
export interface NodeCost {
  /** Floating-point operations (a multiply-add counts 2). */
  flops: number;
}

/**
 * How many inputs and outputs a node of an op may list, as [min, max] (max Infinity for a
 * variadic tail). Absent optional ones listed as "" count: ONNX counts positions.
 */
export interface Arity {
  inputs: readonly [number, number];
  outputs: readonly [number, number];
}

/** Everything a rule gets besides the inputs. */
export interface RuleContext<P> {
  node: Node;
  params: P;
  /** The ai.onnx opset version the model imports. */
  opset: number;
}

/**
 * One op: attribute parsing, shape rule and cost. Kernels live in the backends and
 * receive the shapes this rule computes.
 */
export interface OpSchema<P = unknown> {
  opType: string;
  /** Parses and checks attributes once per node. */
  prepare(node: Node, opset: number): P;
  /** Output types; inputs absent in the node ("") are undefined. */
  infer(inputs: readonly (InputInfo | undefined)[], ctx: RuleContext<P>): TensorType[];
  /** Work estimate; defaults to one flop per output element. */
  cost?(
    inputs: readonly TensorType[],
    outputs: readonly TensorType[],
    ctx: RuleContext<P>,
  ): NodeCost;
  /** Output 0 reuses input `alias`'s buffer unchanged (Reshape, Squeeze, Identity, ...). */
  alias?: number;
  /**
   * The input and output counts the op's spec allows at an ai.onnx opset; the registry
   * fills it from one table for ops that leave it out.
   */
  arity?(opset: number): Arity;
}

/** Declares an op schema with its params type inferred from `prepare`. */
export function defineOp<P>(schema: OpSchema<P>): OpSchema<P> {
  return schema;
}

/** A schema for ops without attributes. */
export function noParams(): null {
  return null;
}
