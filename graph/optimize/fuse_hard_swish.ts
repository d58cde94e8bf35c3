/**
 * HardSwish fusion: `x · Clip(Add(x, 3), 0, 6) / 6` (Div by 6 or Mul by 1/6, operands in
 * any order) and `x · HardSigmoid(x)` with alpha 1/6 and beta 0.5 are HardSwish(x), an
 * ai.onnx op since opset 14. Before opset 14 the chain becomes `Mul(x, HardSigmoid(x))`,
 * two passes over the tensor instead of four.
 * @module
 */
import type { Node } from "../ir.ts";
import { attrFloat } from "../ops/_attrs.ts";
import {
  hardSigmoidNode,
  isFloat,
  isOp,
  near,
  ONE_SIXTH,
  productWith,
  scaledBySixth,
  shiftedRelu6,
} from "./_shifted_relu6.ts";
import type { GraphView, Patch } from "./rule.ts";

/** The opset HardSwish joined ai.onnx in. */
const HARD_SWISH_OPSET = 14;

/**
 * Fuses the HardSwish that `node` starts: an Add shifting x by 3 into ReLU6, or (from
 * opset 14) a HardSigmoid of x whose only reader multiplies it by x.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floats, optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([fuseHardSwish], {
 *   inputs: { x: [2, 3] }, outputs: ["y"],
 *   nodes: [
 *     ["Add", ["x", "three"], ["a"]],
 *     ["Clip", ["a", "zero", "six"], ["c"]],
 *     ["Mul", ["x", "c"], ["m"]],
 *     ["Div", ["m", "six"], ["y"]],
 *   ],
 *   initializers: { three: floats([], [3]), zero: floats([], [0]), six: floats([], [6]) },
 * });
 * assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]), [
 *   ["HardSwish", ["x"], ["y"]],
 * ]);
 * ```
 */
export function fuseHardSwish(graph: GraphView, node: Node): Patch | null {
  if (isOp(node, "Add")) return fromShiftedRelu6(graph, node);
  if (isOp(node, "HardSigmoid") && graph.opset >= HARD_SWISH_OPSET) {
    return fromHardSigmoid(graph, node);
  }
  return null;
}

/** `x · Clip(Add(x, 3), 0, 6)` scaled by 1/6. */
function fromShiftedRelu6(graph: GraphView, add: Node): Patch | null {
  const relu6 = shiftedRelu6(graph, add);
  if (!relu6) return null;
  const { x, clip } = relu6;
  const product = productWith(graph, clip.outputs[0], x);
  const scale = product && scaledBySixth(graph, product.outputs[0], x);
  if (!product || !scale) return null;
  const remove = [add, clip, product, scale];
  const output = scale.outputs[0];
  if (graph.opset >= HARD_SWISH_OPSET) return { remove, insert: [hardSwishNode(scale, x)] };
  const gate = graph.fresh(`${x}_hard_sigmoid`);
  const gating: Node = { ...product, inputs: [x, gate], outputs: [output] };
  return {
    remove,
    insert: [hardSigmoidNode(graph.fresh(`${product.name}_hard_sigmoid`), x, gate), gating],
  };
}

/** `x · HardSigmoid(x)` with HardSwish's alpha and beta. */
function fromHardSigmoid(graph: GraphView, gate: Node): Patch | null {
  const x = gate.inputs[0];
  if (!isFloat(graph, x)) return null;
  if (!near(attrFloat(gate, "alpha", 0.2), ONE_SIXTH) || !near(attrFloat(gate, "beta", 0.5), 0.5)) {
    return null;
  }
  const product = productWith(graph, gate.outputs[0], x);
  if (!product) return null;
  return { remove: [gate, product], insert: [hardSwishNode(product, x)] };
}

/** A HardSwish of `x` in place of `last`, the chain's last node. */
function hardSwishNode(last: Node, x: string): Node {
  return { ...last, opType: "HardSwish", inputs: [x], attributes: new Map() };
}
