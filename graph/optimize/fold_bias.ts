/**
 * Bias folding: an Add after a Conv of a constant that varies along channels only becomes
 * (part of) the Conv's bias; an Add after a Gemm without C becomes its C.
 * @module
 */
import type { Attribute, Node } from "../ir.ts";
import { addOnto, broadcastsInto } from "./_match.ts";
import { hostTensor, numbersOf, perChannel, REWRITABLE_FLOATS } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Folds an Add into the Conv or Gemm feeding it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest, floats } from "./_testing.ts";
 * const g = optimizeGraphForTest([foldBias], {
 *   inputs: { x: [1, 1, 2, 2] }, outputs: ["y"],
 *   nodes: [["Conv", ["x", "w"], ["c"]], ["Add", ["c", "k"], ["y"]]],
 *   initializers: { w: floats([2, 1, 1, 1], [1, 2]), k: floats([2, 1, 1], [5, 6]) },
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["Conv"]);
 * ```
 */
export function foldBias(graph: GraphView, add: Node): Patch | null {
  const pair = addOnto(graph, add, ["Conv", "Gemm"]);
  if (!pair) return null;
  return pair.node.opType === "Conv"
    ? convBias(graph, add, pair.node, pair.other)
    : gemmBias(graph, add, pair.node, pair.other);
}

function convBias(graph: GraphView, add: Node, conv: Node, addend: string): Patch | null {
  const k = graph.constant(addend);
  const out = graph.type(conv.outputs[0]);
  const channels = graph.type(conv.inputs[1])?.dims?.[0];
  if (!k || !out?.dims || typeof channels !== "number") return null;
  if (!REWRITABLE_FLOATS.includes(k.dtype) || k.dtype !== out.dtype) return null;
  const shift = perChannel(k, out.dims.length, channels);
  const old = conv.inputs[2] ? graph.constant(conv.inputs[2]) : undefined;
  if (!shift || (conv.inputs[2] && !old)) return null;
  const base = old ? numbersOf(old) : new Array<number>(channels).fill(0);
  const bias = base.map((v, m) => v + shift[m]);
  const name = graph.fresh(`${conv.name}_bias`);
  const fused = { ...conv, inputs: [conv.inputs[0], conv.inputs[1], name], outputs: add.outputs };
  return {
    remove: [conv, add],
    insert: [fused],
    constants: new Map([[name, hostTensor(k.dtype, [channels], bias)]]),
  };
}

function gemmBias(graph: GraphView, add: Node, gemm: Node, addend: string): Patch | null {
  if (gemm.inputs[2]) return null;
  const c = graph.type(addend), out = graph.type(gemm.outputs[0]);
  if (!c?.dims || !out?.dims || c.dtype !== out.dtype || !broadcastsInto(c.dims, out.dims)) {
    return null;
  }
  // Without C, beta scaled nothing; with C it must not scale it.
  const attributes = new Map<string, Attribute>(gemm.attributes);
  attributes.set("beta", { kind: "float", value: 1 });
  const fused = {
    ...gemm,
    inputs: [gemm.inputs[0], gemm.inputs[1], addend],
    outputs: add.outputs,
    attributes,
  };
  return { remove: [gemm, add], insert: [fused] };
}
