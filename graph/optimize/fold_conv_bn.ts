/**
 * Conv + BatchNormalization folding: at inference BatchNormalization is a per-channel
 * scale and shift, which folds into the Conv's weights and bias.
 * @module
 */
import type { Node } from "../ir.ts";
import { attrFloat, attrInt } from "../ops/_attrs.ts";
import { fusableProducer } from "./_match.ts";
import { hostTensor, numbersOf, REWRITABLE_FLOATS, scaleRows } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Folds a BatchNormalization into the Conv feeding it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest, floats } from "./_testing.ts";
 * const g = optimizeGraphForTest([foldConvBatchNorm], {
 *   inputs: { x: [1, 1, 2, 2] }, outputs: ["y"],
 *   nodes: [["Conv", ["x", "w"], ["c"]], ["BatchNormalization", ["c", "s", "b", "m", "v"], ["y"]]],
 *   initializers: {
 *     w: floats([1, 1, 1, 1], [2]), s: floats([1], [3]), b: floats([1], [1]),
 *     m: floats([1], [0]), v: floats([1], [1]),
 *   },
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["Conv"]);
 * ```
 */
export function foldConvBatchNorm(graph: GraphView, bn: Node): Patch | null {
  if (bn.opType !== "BatchNormalization" || bn.domain !== "" || !inferenceMode(graph, bn)) {
    return null;
  }
  const conv = fusableProducer(graph, bn.inputs[0], bn, ["Conv"]);
  if (!conv) return null;
  const w = graph.constant(conv.inputs[1]);
  const b = conv.inputs[2] ? graph.constant(conv.inputs[2]) : undefined;
  const stats = bn.inputs.slice(1, 5).map((name) => graph.constant(name));
  if (!w || (conv.inputs[2] && !b) || stats.some((s) => !s)) return null;
  if (!REWRITABLE_FLOATS.includes(w.dtype)) return null;
  const [scale, shift, mean, variance] = stats.map((s) => numbersOf(s!));
  const channels = w.dims[0];
  if ([scale, shift, mean, variance].some((v) => v.length !== channels)) return null;
  const epsilon = attrFloat(bn, "epsilon", 1e-5);
  const factor = scale.map((s, m) => s / Math.sqrt(variance[m] + epsilon));
  const bias = b ? numbersOf(b) : new Array<number>(channels).fill(0);
  const folded = bias.map((v, m) => (v - mean[m]) * factor[m] + shift[m]);
  const wName = graph.fresh(`${conv.inputs[1]}_bn`), bName = graph.fresh(`${conv.name}_bn_bias`);
  const fused = { ...conv, inputs: [conv.inputs[0], wName, bName], outputs: [bn.outputs[0]] };
  return {
    remove: [conv, bn],
    insert: [fused],
    constants: new Map([
      [wName, scaleRows(w, factor)],
      [bName, hostTensor(w.dtype, [channels], folded)],
    ]),
  };
}

/** Normalizes with given statistics, per channel, its extra outputs unread. */
function inferenceMode(graph: GraphView, bn: Node): boolean {
  if (graph.opset >= 14 && attrInt(bn, "training_mode", 0) !== 0) return false;
  if (graph.opset < 9 && attrInt(bn, "spatial", 1) === 0) return false;
  return bn.outputs.slice(1).every((o) =>
    o === "" || (!graph.isOutput(o) && graph.consumers(o).length === 0)
  );
}
