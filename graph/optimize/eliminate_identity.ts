/**
 * Identity and no-op elimination: nodes whose output equals one of their inputs (Identity,
 * Dropout at inference, a Reshape to the same shape, a Cast to the same type, an identity
 * Transpose, zero Pad, a full Slice, adding zero, multiplying by one, ...) are bypassed.
 * @module
 */
import type { Node } from "../ir.ts";
import { type DType, dtypeFromOnnx } from "../dtype.ts";
import { attrInt, attrInts } from "../ops/_attrs.ts";
import { allEqual } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/** Finds the input a node's first output equals, if it provably does. */
type SourceOf = (graph: GraphView, node: Node) => string | undefined;

const first: SourceOf = (_g, node) => node.inputs[0];
const single: SourceOf = (_g, node) => node.inputs.length === 1 ? node.inputs[0] : undefined;
/** A shape op whose output has its input's dims moves no element. */
const sameDims: SourceOf = (g, node) => sameType(g, node.inputs[0], node.outputs[0]);

const NOOPS = new Map<string, SourceOf>([
  ["Identity", first],
  ["Dropout", dropoutSource],
  ["Cast", (g, n) => castSource(g, n, dtypeFromOnnx(attrInt(n, "to", 0)))],
  ["CastLike", (g, n) => castSource(g, n, g.type(n.inputs[1])?.dtype)],
  ["Reshape", sameDims],
  ["Flatten", sameDims],
  ["Squeeze", sameDims],
  ["Expand", sameDims],
  ["Tile", sameDims],
  ["Transpose", transposeSource],
  ["Pad", padSource],
  ["Slice", sliceSource],
  ["Concat", single],
  ["Sum", single],
  ["Mean", single],
  ["Max", single],
  ["Min", single],
  ["Add", (g, n) => neutralOperand(g, n, 0, [0, 1])],
  ["Sub", (g, n) => neutralOperand(g, n, 0, [1])],
  ["Mul", (g, n) => neutralOperand(g, n, 1, [0, 1])],
  ["Div", (g, n) => neutralOperand(g, n, 1, [1])],
]);

/**
 * Bypasses `node` when its output equals one of its inputs.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([eliminateIdentity], {
 *   inputs: { x: [2] }, outputs: ["y"],
 *   nodes: [["Identity", ["x"], ["a"]], ["Relu", ["a"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => n.inputs), [["x"]]);
 * ```
 */
export function eliminateIdentity(graph: GraphView, node: Node): Patch | null {
  const sourceOf = node.domain === "" ? NOOPS.get(node.opType) : undefined;
  const source = sourceOf?.(graph, node);
  return source ? bypass(graph, node, source) : null;
}

/** Readers of the node's output read `source` instead. */
function bypass(graph: GraphView, node: Node, source: string): Patch | null {
  const out = node.outputs[0];
  if (!graph.isOutput(out)) return { remove: [node], rename: new Map([[out, source]]) };
  // A graph output keeps its name: the source's producer makes it under that name instead.
  const p = graph.producer(source);
  if (!p || graph.isOutput(source)) return null;
  const renamed = { ...p, outputs: p.outputs.map((o) => (o === source ? out : o)) };
  return { remove: [p, node], insert: [renamed], rename: new Map([[source, out]]) };
}

/** `input` when it and `output` have the same known type and dims. */
function sameType(graph: GraphView, input: string, output: string): string | undefined {
  const a = graph.type(input), b = graph.type(output);
  if (!a?.dims || !b?.dims || a.dtype !== b.dtype || a.dims.length !== b.dims.length) {
    return undefined;
  }
  return a.dims.every((d, i) => d === b.dims![i]) ? input : undefined;
}

/** A Cast to the type its input already has. */
function castSource(graph: GraphView, node: Node, to: DType | undefined): string | undefined {
  const from = graph.type(node.inputs[0])?.dtype;
  return from !== undefined && from === to ? node.inputs[0] : undefined;
}

/** Dropout is the identity at inference, unless told to train or its mask is read. */
function dropoutSource(graph: GraphView, node: Node): string | undefined {
  const mask = node.outputs[1];
  if (mask && (graph.isOutput(mask) || graph.consumers(mask).length > 0)) return undefined;
  const training = node.inputs[2];
  if (training) {
    const t = graph.constant(training);
    if (!t || !allEqual(t, 0)) return undefined;
  }
  return node.inputs[0];
}

function transposeSource(graph: GraphView, node: Node): string | undefined {
  const rank = graph.type(node.inputs[0])?.dims?.length;
  if (rank === undefined) return undefined;
  const perm = attrInts(node, "perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return perm.every((p, i) => p === i) ? node.inputs[0] : undefined;
}

function padSource(graph: GraphView, node: Node): string | undefined {
  if (graph.opset < 11) {
    const pads = attrInts(node, "pads") ?? attrInts(node, "paddings");
    return pads?.every((p) => p === 0) ? node.inputs[0] : undefined;
  }
  const pads = graph.constant(node.inputs[1]);
  return pads && allEqual(pads, 0) ? node.inputs[0] : undefined;
}

/** A Slice keeping every element: same dims, and unit steps so nothing is reversed. */
function sliceSource(graph: GraphView, node: Node): string | undefined {
  const steps = node.inputs[4];
  if (steps) {
    const c = graph.constant(steps);
    if (!c || !allEqual(c, 1)) return undefined;
  }
  return sameDims(graph, node);
}

/**
 * The other operand of a binary op when one of `positions` holds a constant of all
 * `neutral` that changes neither the value nor (through broadcasting) the shape.
 */
function neutralOperand(
  graph: GraphView,
  node: Node,
  neutral: number,
  positions: readonly number[],
): string | undefined {
  for (const i of positions) {
    const c = graph.constant(node.inputs[i]);
    const other = node.inputs[1 - i];
    if (c && allEqual(c, neutral) && sameType(graph, other, node.outputs[0])) return other;
  }
  return undefined;
}
