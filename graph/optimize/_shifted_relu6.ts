/**
 * The chain exporters write the hard activations as: ReLU6 of x shifted by 3,
 * `Clip(Add(x, 3), 0, 6)`, scaled by 1/6 with `Div(·, 6)` or `Mul(·, 1/6)`. HardSigmoid
 * with alpha 1/6 and beta 0.5 is that chain; HardSwish is x times it.
 * @module
 */
import type { Dim, HostTensor, Node } from "../ir.ts";
import { attrFloat } from "../ops/_attrs.ts";
import { FLOATS } from "../ops/_elementwise_types.ts";
import { numbersOf } from "./_host.ts";
import { readOnlyBy } from "./_match.ts";
import type { GraphView } from "./rule.ts";

/** How far a constant may be from the value a pattern needs. */
const TOLERANCE = 1e-6;

/** HardSigmoid's alpha for the chain. */
export const ONE_SIXTH = 1 / 6;

/** A `Clip(Add(x, 3), 0, 6)` whose sum only the Clip reads. */
export interface ShiftedRelu6 {
  /** The shifted value, of a float type HardSigmoid accepts. */
  x: string;
  clip: Node;
}

/** Whether `a` is within the patterns' tolerance of `b`. */
export function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE;
}

/** The shifted ReLU6 that `add` starts, in either operand order. */
export function shiftedRelu6(graph: GraphView, add: Node): ShiftedRelu6 | undefined {
  if (!isOp(add, "Add") || add.inputs.length !== 2) return undefined;
  const clip = soleReader(graph, add.outputs[0]);
  if (!clip || !isOp(clip, "Clip") || !clipsToRelu6(graph, clip)) return undefined;
  const [a, b] = add.inputs;
  for (const [x, k] of [[a, b], [b, a]]) {
    if (isFloat(graph, x) && isScalar(graph, k, 3, x)) return { x, clip };
  }
  return undefined;
}

/**
 * The node scaling `value` by 1/6, `Div(value, 6)` or `Mul` by 1/6 in either order, when
 * it is the value's only reader; `like` is a value of the result's shape.
 */
export function scaledBySixth(graph: GraphView, value: string, like: string): Node | undefined {
  const node = soleReader(graph, value);
  if (!node || node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs;
  if (isOp(node, "Div")) return a === value && isScalar(graph, b, 6, like) ? node : undefined;
  if (!isOp(node, "Mul")) return undefined;
  const factor = a === value ? b : a;
  return isScalar(graph, factor, ONE_SIXTH, like) ? node : undefined;
}

/** The `Mul` reading exactly `x` and `value`, in either order, when it is value's only reader. */
export function productWith(graph: GraphView, value: string, x: string): Node | undefined {
  const node = soleReader(graph, value);
  if (!node || !isOp(node, "Mul") || node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs;
  return (a === x && b === value) || (a === value && b === x) ? node : undefined;
}

/** A HardSigmoid computing the chain on `x` into `output`. */
export function hardSigmoidNode(name: string, x: string, output: string): Node {
  return {
    name,
    opType: "HardSigmoid",
    domain: "",
    inputs: [x],
    outputs: [output],
    attributes: new Map([
      ["alpha", { kind: "float", value: ONE_SIXTH }],
      ["beta", { kind: "float", value: 0.5 }],
    ]),
  };
}

/** Whether `node` is the ai.onnx op `opType`. */
export function isOp(node: Node, opType: string): boolean {
  return node.domain === "" && node.opType === opType;
}

/** Whether `value` has a float type HardSigmoid and HardSwish accept. */
export function isFloat(graph: GraphView, value: string): boolean {
  const dtype = graph.type(value)?.dtype;
  return dtype !== undefined && FLOATS.includes(dtype);
}

/** The only reader of `value`, when it has one and is not a graph output. */
function soleReader(graph: GraphView, value: string): Node | undefined {
  const [reader] = graph.consumers(value);
  return reader && readOnlyBy(graph, value, reader) ? reader : undefined;
}

/** Clip to [0, 6]: bounds as attributes before opset 11, as constant inputs after. */
function clipsToRelu6(graph: GraphView, clip: Node): boolean {
  if (graph.opset < 11) {
    return near(attrFloat(clip, "min", -Infinity), 0) && near(attrFloat(clip, "max", Infinity), 6);
  }
  const [, lo, hi] = clip.inputs;
  return constantNear(graph, lo, 0) !== undefined && constantNear(graph, hi, 6) !== undefined;
}

/**
 * Whether `name` is a one-element constant near `want` that broadcasting against `like`
 * leaves `like`'s shape: of rank 0, or of a rank no higher than its known rank.
 */
function isScalar(graph: GraphView, name: string, want: number, like: string): boolean {
  const k = constantNear(graph, name, want);
  if (!k) return false;
  const dims: readonly Dim[] | undefined = graph.type(like)?.dims;
  return k.dims.length === 0 || (dims !== undefined && k.dims.length <= dims.length);
}

/** The one-element constant `name`, when near `want` as its type rounds it. */
function constantNear(
  graph: GraphView,
  name: string | undefined,
  want: number,
): HostTensor | undefined {
  const k = name ? graph.constant(name) : undefined;
  if (!k || k.data.length !== 1) return undefined;
  // 1/6 is 0.16663 in float16: too far from 1/6 for the tolerance, yet what exporters write.
  const rounded = k.dtype === "float16" ? Math.f16round(want) : want;
  return near(numbersOf(k)[0], rounded) ? k : undefined;
}
