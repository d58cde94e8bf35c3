/**
 * HardSigmoid fusion: `Div(Clip(Add(x, 3), 0, 6), 6)` (or the Clip times 1/6) is
 * HardSigmoid(x) with alpha 1/6 and beta 0.5, one pass over the tensor instead of three.
 * @module
 */
import type { Node } from "../ir.ts";
import { hardSigmoidNode, scaledBySixth, shiftedRelu6 } from "./_shifted_relu6.ts";
import type { GraphView, Patch } from "./rule.ts";

/** The opset HardSigmoid took its current form in. */
const HARD_SIGMOID_OPSET = 6;

/**
 * Fuses the shifted, scaled ReLU6 that `add` starts into one HardSigmoid. It looks from
 * the Add down, so that it comes before bias folding takes the Add into a Conv.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floats, optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([fuseHardSigmoid], {
 *   inputs: { x: [2, 3] }, outputs: ["y"],
 *   nodes: [
 *     ["Add", ["x", "three"], ["a"]],
 *     ["Clip", ["a", "zero", "six"], ["c"]],
 *     ["Div", ["c", "six"], ["y"]],
 *   ],
 *   initializers: { three: floats([], [3]), zero: floats([], [0]), six: floats([], [6]) },
 * });
 * assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]), [
 *   ["HardSigmoid", ["x"], ["y"]],
 * ]);
 * ```
 */
export function fuseHardSigmoid(graph: GraphView, add: Node): Patch | null {
  if (graph.opset < HARD_SIGMOID_OPSET) return null;
  const relu6 = shiftedRelu6(graph, add);
  if (!relu6) return null;
  const { x, clip } = relu6;
  const scale = scaledBySixth(graph, clip.outputs[0], x);
  if (!scale) return null;
  return {
    remove: [add, clip, scale],
    insert: [hardSigmoidNode(scale.name, x, scale.outputs[0])],
  };
}
