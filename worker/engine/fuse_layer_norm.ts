/**
 * Plan-time LayerNormalization fusion, for models exported before opset 17 (which write
 * layer norm as nine ops, and where the optimizer may not emit the op): over the last
 * axis, `d = x - ReduceMean(x)`, `y = d / Sqrt(ReduceMean(d^2) + eps) · gamma + beta`
 * runs as one LayerNormalization node of the same values.
 * @module
 */
import type { Attribute, Graph, Node } from "../../graph/ir.ts";
import {
  type Constants,
  type FusedChain,
  isOp,
  type Readers,
  scalarOperand,
  valueReaders,
} from "./fuse_epilogues.ts";

/**
 * The layer norms of `graph` spelled out in ops, by their first ReduceMean.
 * @param keep nodes that must stay as they are (placed on another backend)
 * @param constants the values known before the graph runs (by default its initializers)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const g = { name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };
 * assert.equal(layerNorms(g, () => false, () => undefined).size, 0);
 * ```
 */
export function layerNorms(
  graph: Graph,
  keep: (node: Node) => boolean,
  constants: Constants = (name) => graph.initializers.get(name),
): Map<Node, FusedChain> {
  const readers = valueReaders(graph);
  const found = new Map<Node, FusedChain>();
  for (const mean of graph.nodes) {
    const chain = layerNormOf(constants, mean, readers);
    if (chain && !chain.chain.some(keep)) found.set(mean, chain);
  }
  return found;
}

/** The layer norm `mean` starts, if it is one. */
function layerNormOf(
  constants: Constants,
  mean: Node,
  readersOf: Readers,
): FusedChain | undefined {
  if (!isLastAxisMean(constants, mean)) return undefined;
  const x = mean.inputs[0];
  const sole = (node: Node, opType: string): Node | undefined => {
    const r = readersOf(node.outputs[0]);
    return r?.length === 1 && isOp(r[0], opType) ? r[0] : undefined;
  };
  const sub = sole(mean, "Sub");
  if (!sub || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return undefined;
  const centred = readersOf(sub.outputs[0]);
  const pow = centred?.find((n) => isOp(n, "Pow"));
  const div = centred?.find((n) => isOp(n, "Div"));
  if (centred?.length !== 2 || !pow || !div || pow.inputs[0] !== sub.outputs[0]) return undefined;
  if (scalarOperand(constants, pow, sub.outputs[0]) !== 2) return undefined;
  const variance = sole(pow, "ReduceMean");
  const add = variance && isLastAxisMean(constants, variance) ? sole(variance, "Add") : undefined;
  const epsilon = add && scalarOperand(constants, add, variance!.outputs[0]);
  const sqrt = add && sole(add, "Sqrt");
  if (epsilon === undefined || !sqrt || sole(sqrt, "Div") !== div) return undefined;
  if (div.inputs[0] !== sub.outputs[0]) return undefined;
  const scale = sole(div, "Mul");
  const shift = scale && sole(scale, "Add");
  const gamma = scale && vectorOperand(constants, scale, div.outputs[0]);
  const beta = shift && vectorOperand(constants, shift, scale!.outputs[0]);
  if (!gamma || !beta) return undefined;
  const attributes = new Map<string, Attribute>([
    ["axis", { kind: "int", value: -1 }],
    ["epsilon", { kind: "float", value: epsilon }],
  ]);
  const node: Node = {
    name: mean.name,
    opType: "LayerNormalization",
    domain: "",
    inputs: [x, gamma, beta],
    outputs: [shift!.outputs[0]],
    attributes,
  };
  return { node, chain: [mean, sub, pow, variance!, add!, sqrt!, div, scale!, shift!] };
}

/** A ReduceMean over the last axis only, keeping it (axes as attribute or constant input). */
function isLastAxisMean(constants: Constants, node: Node): boolean {
  if (!isOp(node, "ReduceMean")) return false;
  const keep = node.attributes.get("keepdims");
  if (keep?.kind === "int" && keep.value !== 1) return false;
  const attr = node.attributes.get("axes");
  const axes = attr?.kind === "ints"
    ? attr.value
    : Array.from(constants(node.inputs[1] ?? "")?.data ?? [], Number);
  return axes.length === 1 && axes[0] === -1;
}

/** `node`'s other operand beside `value`, when it is a float32 constant vector. */
function vectorOperand(constants: Constants, node: Node, value: string): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  const other = node.inputs[0] === value ? node.inputs[1] : node.inputs[0];
  const t = constants(other);
  return t?.dtype === "float32" && t.dims.length === 1 ? other : undefined;
}
