/**
 * The optimizer's contract: a rule looks at one node of a read-only graph view and returns
 * a patch (or null); a pipeline is a named list of rules. Only the driver applies patches.
 * @module
 */
import type { HostTensor, Node, TensorType } from "../ir.ts";

/**
 * Runs one node on constant inputs. The graph layer cannot execute ops, so the layer that
 * can (the worker) implements this.
 * @param node the node to run
 * @param inputs a tensor per input, undefined for absent optional inputs
 * @param opset the model's ai.onnx opset
 * @returns a tensor per output (undefined for unnamed ones), or undefined when the node
 *   cannot be evaluated here (no kernel, or it fails: it then fails at run time instead)
 */
export type ConstantEvaluator = (
  node: Node,
  inputs: readonly (HostTensor | undefined)[],
  opset: number,
) => (HostTensor | undefined)[] | undefined;

/** What a rule may ask of the graph it rewrites. */
export interface GraphView {
  /** The ai.onnx opset version. */
  readonly opset: number;
  /** Runs a node on constants (constant folding). */
  readonly evaluate: ConstantEvaluator;
  /** The node producing a value in this graph, if one does. */
  producer(name: string): Node | undefined;
  /** Nodes of this graph reading a value, directly or from inside their subgraphs. */
  consumers(name: string): readonly Node[];
  /** Whether a value is one of this graph's outputs. */
  isOutput(name: string): boolean;
  /** The contents of a value known before the graph runs (here or in an outer graph). */
  constant(name: string): HostTensor | undefined;
  /** A value's type from static inference, when known. */
  type(name: string): TensorType | undefined;
  /**
   * A node's number in the order nodes joined the graph: the graph's order at first,
   * then each node a patch inserts after all others.
   */
  serial(node: Node): number;
  /** The first small constant with the same contents as `name` (itself if none). */
  canonicalConstant(name: string): string;
  /** A value or node name used nowhere in the model, starting with `base`. */
  fresh(base: string): string;
}

/**
 * A rewrite of a graph. The driver applies it: removed nodes go, inserted nodes take the
 * place of the last removed one, constants join the graph's initializers, and every node
 * reading a renamed value reads its replacement instead.
 */
export interface Patch {
  remove: readonly Node[];
  insert?: readonly Node[];
  constants?: ReadonlyMap<string, HostTensor>;
  rename?: ReadonlyMap<string, string>;
}

/** A rewrite rule: a patch for `node`, or null when the rule does not apply there. */
export type Rule = (graph: GraphView, node: Node) => Patch | null;

/** A named list of rules the driver runs to a fixed point. */
export interface Pipeline {
  name: string;
  rules: readonly Rule[];
}
