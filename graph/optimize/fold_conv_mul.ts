/**
 * Conv + Mul folding: multiplying a Conv's output by a constant that varies along channels
 * only (how some exporters write BatchNormalization's scale) scales its weights and bias.
 * @module
 */
import type { HostTensor, Node } from "../ir.ts";
import { fusableProducer } from "./_match.ts";
import { hostTensor, numbersOf, perChannel, REWRITABLE_FLOATS, scaleRows } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Folds a per-channel Mul into the Conv feeding it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest, floats } from "./_testing.ts";
 * const g = optimizeGraphForTest([foldConvMul], {
 *   inputs: { x: [1, 1, 2, 2] }, outputs: ["y"],
 *   nodes: [["Conv", ["x", "w"], ["c"]], ["Mul", ["c", "k"], ["y"]]],
 *   initializers: { w: floats([2, 1, 1, 1], [1, 2]), k: floats([1, 2, 1, 1], [3, 4]) },
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["Conv"]);
 * ```
 */
export function foldConvMul(graph: GraphView, mul: Node): Patch | null {
  if (mul.opType !== "Mul" || mul.domain !== "" || mul.inputs[0] === mul.inputs[1]) return null;
  for (const i of [0, 1]) {
    const conv = fusableProducer(graph, mul.inputs[i], mul, ["Conv"]);
    const k = graph.constant(mul.inputs[1 - i]);
    if (conv && k) return scaled(graph, conv, mul, k);
  }
  return null;
}

function scaled(graph: GraphView, conv: Node, mul: Node, k: HostTensor): Patch | null {
  const w = graph.constant(conv.inputs[1]);
  const out = graph.type(conv.outputs[0]);
  const b = conv.inputs[2] ? graph.constant(conv.inputs[2]) : undefined;
  if (!w || !out?.dims || (conv.inputs[2] && !b)) return null;
  if (!REWRITABLE_FLOATS.includes(w.dtype) || k.dtype !== w.dtype) return null;
  const factor = perChannel(k, out.dims.length, w.dims[0]);
  if (!factor) return null;
  const wName = graph.fresh(`${conv.inputs[1]}_scaled`);
  const constants = new Map([[wName, scaleRows(w, factor)]]);
  const inputs = [conv.inputs[0], wName];
  if (b) {
    const bName = graph.fresh(`${conv.name}_bias_scaled`);
    constants.set(bName, hostTensor(b.dtype, b.dims, numbersOf(b).map((v, m) => v * factor[m])));
    inputs.push(bName);
  }
  return { remove: [conv, mul], insert: [{ ...conv, inputs, outputs: mul.outputs }], constants };
}
