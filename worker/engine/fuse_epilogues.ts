/**
 * Plan-time epilogue fusion, for chains the optimizer must leave in the graph because
 * ONNX Runtime's fused ops cannot say them (the optimized model is written as ONNX). The
 * chain runs as its Conv alone, with an epilogue the kernels have for it: one pass over
 * the output instead of one per op. Two chains:
 * - a float32 Conv followed by HardSwish (the op, or `x · HardSigmoid(x)` with alpha 1/6
 *   and beta 0.5 before opset 14) and then optionally by a scalar `Mul` and a scalar
 *   `Add`, as PP-LCNet writes each activation and its learnable affine block;
 * - a float32 Conv with a LeakyRelu (fused into a FusedConv, or the next node) whose
 *   result a `Max` with a scalar floors, as TensorFlow exports clip an activation.
 * @module
 */
import type { Graph, HostTensor, Node } from "../../graph/ir.ts";
import { attrFloat } from "../../graph/ops/_attrs.ts";
import { type Activation, fusedConvActivation } from "../../graph/ops/nn_fused.ts";
import { readsOf } from "../../graph/reads.ts";

/** The kernels' activation codes of LeakyRelu, `scale · HardSwish(x) + shift` and
 * `max(LeakyRelu(x), floor)`. */
const [LEAKY_RELU, SCALED_HARD_SWISH, FLOORED_LEAKY_RELU] = [5, 8, 9];

/** How far HardSigmoid's alpha and beta may be from HardSwish's (exporters round 1/6). */
const TOLERANCE = 1e-6;

/** One node standing for a whole chain of nodes: it writes the chain's last value. */
export interface FusedChain {
  node: Node;
  /** The epilogue activation replacing the node's own (a Conv chain's). */
  activation?: Activation;
  /** Every node of the chain, in graph order. */
  chain: Node[];
}

/** The constant contents of a value seen from a graph (its own or an enclosing graph's). */
export type Constants = (name: string) => HostTensor | undefined;

/** The nodes reading each value of `graph`; undefined for its outputs (never fused away). */
export type Readers = (value: string) => Node[] | undefined;

/**
 * The readers of `graph`'s values.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const relu = { name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() };
 * const g = { name: "g", nodes: [relu], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };
 * assert.deepEqual(valueReaders(g)("x"), [relu]);
 * ```
 */
export function valueReaders(graph: Graph): Readers {
  const readers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const name of readsOf(node)) readers.set(name, [...readers.get(name) ?? [], node]);
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));
  return (value) => outputs.has(value) ? undefined : readers.get(value);
}

/**
 * The fusable chains of `graph`, by their Conv.
 * @param keep nodes that must stay as they are (placed on another backend)
 * @param constants the values known before the graph runs (by default its initializers)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const g = { name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: new Map() };
 * assert.equal(fusedChains(g, () => false, () => undefined).size, 0);
 * ```
 */
export function fusedChains(
  graph: Graph,
  keep: (node: Node) => boolean,
  constants: Constants = (name) => graph.initializers.get(name),
): Map<Node, FusedChain> {
  const readers = valueReaders(graph);
  const chains = new Map<Node, FusedChain>();
  for (const conv of graph.nodes) {
    const chain = chainOf(constants, conv, readers);
    if (chain && !chain.chain.some(keep)) chains.set(conv, chain);
  }
  return chains;
}

/** The chain `conv` starts, if it is one. */
function chainOf(constants: Constants, conv: Node, readersOf: Readers): FusedChain | undefined {
  if (constants(conv.inputs[1] ?? "")?.dtype !== "float32") return;
  return hardSwishChain(constants, conv, readersOf) ??
    flooredLeakyReluChain(constants, conv, readersOf);
}

/** Conv, LeakyRelu (its own or the next node's), then Max with a scalar. */
function flooredLeakyReluChain(
  constants: Constants,
  conv: Node,
  readersOf: Readers,
): FusedChain | undefined {
  const chain = [conv];
  let alpha: number;
  if (conv.opType === "FusedConv" && conv.domain === "com.microsoft") {
    const [code, p0] = fusedConvActivation(conv);
    if (code !== LEAKY_RELU) return;
    alpha = p0;
  } else if (isOp(conv, "Conv")) {
    const relu = soleReader(readersOf, conv.outputs[0], "LeakyRelu");
    if (!relu) return;
    alpha = attrFloat(relu, "alpha", 0.01);
    chain.push(relu);
  } else return;
  const activated = chain[chain.length - 1].outputs[0];
  const max = soleReader(readersOf, activated, "Max");
  if (!max) return;
  // A one-element constant of no higher rank than the Conv's output broadcasts away.
  const rank = constants(conv.inputs[1])?.dims.length;
  const floor = scalarOperand(constants, max, activated, rank);
  if (floor === undefined) return;
  return {
    node: { ...conv, outputs: [max.outputs[0]] },
    activation: [FLOORED_LEAKY_RELU, alpha, floor],
    chain: [...chain, max],
  };
}

/** Conv, HardSwish, then optionally a scalar Mul and a scalar Add. */
function hardSwishChain(
  constants: Constants,
  conv: Node,
  readersOf: Readers,
): FusedChain | undefined {
  if (!isOp(conv, "Conv")) return;
  const activation = hardSwishOf(conv, readersOf);
  if (!activation) return;
  const chain = [conv, ...activation];
  let [scale, shift] = [1, 0];
  const next = (opType: string): number | undefined => {
    const last = chain[chain.length - 1].outputs[0];
    const reader = soleReader(readersOf, last, opType);
    const k = reader && scalarOperand(constants, reader, last);
    if (k !== undefined) chain.push(reader!);
    return k;
  };
  const s = next("Mul");
  if (s !== undefined) scale = s;
  const b = next("Add");
  if (b !== undefined) shift = b;
  const last = chain[chain.length - 1];
  return {
    node: { ...conv, outputs: [last.outputs[0]] },
    activation: [SCALED_HARD_SWISH, scale, shift],
    chain,
  };
}

/** The nodes computing HardSwish of `conv`'s output, when only they read it. */
function hardSwishOf(conv: Node, readersOf: Readers): Node[] | undefined {
  const c = conv.outputs[0];
  const first = readersOf(c);
  if (first?.length === 1 && isOp(first[0], "HardSwish")) return first;
  if (first?.length !== 2) return undefined;
  const gate = first.find((n) => isOp(n, "HardSigmoid") && isHardSwishGate(n));
  const product = first.find((n) => isOp(n, "Mul") && n !== gate);
  if (!gate || !product || !sameSet(product.inputs, [c, gate.outputs[0]])) return undefined;
  return readersOf(gate.outputs[0])?.length === 1 ? [gate, product] : undefined;
}

/** The one node reading `value`, when it is the ai.onnx op `opType`. */
function soleReader(readersOf: Readers, value: string, opType: string): Node | undefined {
  const readers = readersOf(value);
  return readers?.length === 1 && isOp(readers[0], opType) ? readers[0] : undefined;
}

/** Whether `node` is the ai.onnx op `opType`. */
export function isOp(node: Node, opType: string): boolean {
  return node.opType === opType && node.domain === "";
}

function isHardSwishGate(node: Node): boolean {
  return Math.abs(attrFloat(node, "alpha", 0.2) - 1 / 6) <= TOLERANCE &&
    Math.abs(attrFloat(node, "beta", 0.5) - 0.5) <= TOLERANCE;
}

/**
 * The value of `node`'s other operand (beside `value`), when it is a float32 constant of
 * one element and rank at most `maxRank` (so broadcasting it leaves the shape alone).
 */
export function scalarOperand(
  constants: Constants,
  node: Node,
  value: string,
  maxRank = 1,
): number | undefined {
  if (node.inputs.length !== 2) return undefined;
  const other = node.inputs[0] === value ? node.inputs[1] : node.inputs[0];
  const t = constants(other);
  if (!t || t.dtype !== "float32" || t.data.length !== 1 || t.dims.length > maxRank) {
    return undefined;
  }
  return Number(t.data[0]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
}
