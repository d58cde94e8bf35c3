/**
 * Activation fusion: Conv, Gemm or a 2-D MatMul followed by an activation becomes one
 * node of ONNX Runtime's com.microsoft domain, which applies the activation as the
 * product is written: FusedConv (`activation`, `activation_params`) and FusedGemm
 * (`activation`, `activation_alpha`, `activation_beta`), in the forms ONNX Runtime's CPU
 * kernels accept, so an optimized model written to a file loads there too.
 * @module
 */
import type { Attribute, Node } from "../ir.ts";
import { attrFloat } from "../ops/_attrs.ts";
import { fusableProducer, hasRank } from "./_match.ts";
import { numbersOf } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/** The domain of the fused ops. */
export const FUSED_DOMAIN = "com.microsoft";

/** Clip's bounds when absent: the float32 range. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** An activation with its parameters, in the order ONNX Runtime lists them. */
interface Activation {
  opType: string;
  params: number[];
}

/** Activations ONNX Runtime's FusedConv applies. */
const CONV_ACTIVATIONS = ["Relu", "Tanh", "Sigmoid", "LeakyRelu", "Clip", "HardSigmoid"];
/** Activations ONNX Runtime's FusedGemm applies (it has no Clip). */
const GEMM_ACTIVATIONS = ["Relu", "Tanh", "Sigmoid", "LeakyRelu", "HardSigmoid"];

/**
 * Fuses an activation into the float32 Conv feeding it, as com.microsoft FusedConv.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([fuseConvActivation], {
 *   inputs: { x: [1, 1, 4, 4], w: [1, 1, 3, 3] }, outputs: ["y"],
 *   nodes: [["Conv", ["x", "w"], ["c"]], ["Relu", ["c"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => [n.domain, n.opType]), [["com.microsoft", "FusedConv"]]);
 * ```
 */
export function fuseConvActivation(graph: GraphView, act: Node): Patch | null {
  const found = fusable(graph, act, ["Conv"], CONV_ACTIVATIONS);
  if (!found) return null;
  const { producer: conv, activation } = found;
  const attributes = new Map<string, Attribute>(conv.attributes);
  attributes.set("activation", { kind: "string", value: activation.opType });
  if (activation.params.length > 0) {
    attributes.set("activation_params", { kind: "floats", value: activation.params });
  }
  return fused(conv, act, "FusedConv", attributes);
}

/**
 * Fuses an activation into the float32 Gemm (or 2-D MatMul) feeding it, as com.microsoft
 * FusedGemm.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([fuseGemmActivation], {
 *   inputs: { a: [2, 3], b: [3, 4] }, outputs: ["y"],
 *   nodes: [["MatMul", ["a", "b"], ["p"]], ["Sigmoid", ["p"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["FusedGemm"]);
 * ```
 */
export function fuseGemmActivation(graph: GraphView, act: Node): Patch | null {
  const found = fusable(graph, act, ["Gemm", "MatMul"], GEMM_ACTIVATIONS);
  if (!found) return null;
  const { producer, activation } = found;
  if (producer.opType === "MatMul" && !isMatrixProduct(graph, producer)) return null;
  const attributes = new Map<string, Attribute>(producer.attributes);
  attributes.set("activation", { kind: "string", value: activation.opType });
  (["activation_alpha", "activation_beta"] as const).forEach((key, i) => {
    const value = activation.params[i];
    if (value !== undefined) attributes.set(key, { kind: "float", value });
  });
  return fused(producer, act, "FusedGemm", attributes);
}

/** The producer and activation of a fusable pair ending at `act`. */
function fusable(
  graph: GraphView,
  act: Node,
  producers: readonly string[],
  activations: readonly string[],
): { producer: Node; activation: Activation } | undefined {
  if (act.domain !== "" || !activations.includes(act.opType)) return undefined;
  const producer = fusableProducer(graph, act.inputs[0], act, producers);
  if (!producer || graph.type(producer.outputs[0])?.dtype !== "float32") return undefined;
  const activation = activationOf(graph, act);
  return activation && { producer, activation };
}

function fused(
  producer: Node,
  act: Node,
  opType: string,
  attributes: Map<string, Attribute>,
): Patch {
  const node: Node = {
    ...producer,
    opType,
    domain: FUSED_DOMAIN,
    outputs: [act.outputs[0]],
    attributes,
  };
  return { remove: [producer, act], insert: [node] };
}

/** The activation's parameters with the spec's defaults; undefined when not constant. */
function activationOf(graph: GraphView, act: Node): Activation | undefined {
  switch (act.opType) {
    case "LeakyRelu":
      return { opType: act.opType, params: [attrFloat(act, "alpha", 0.01)] };
    case "HardSigmoid":
      return {
        opType: act.opType,
        params: [attrFloat(act, "alpha", 0.2), attrFloat(act, "beta", 0.5)],
      };
    case "Clip":
      return clipBounds(graph, act);
  }
  return { opType: act.opType, params: [] };
}

/** Clip's bounds: attributes before opset 11, scalar constant inputs after. */
function clipBounds(graph: GraphView, clip: Node): Activation | undefined {
  if (graph.opset < 11) {
    const params = [attrFloat(clip, "min", -FLOAT32_MAX), attrFloat(clip, "max", FLOAT32_MAX)];
    return { opType: "Clip", params };
  }
  const params: number[] = [];
  for (const [i, fallback] of [[1, -FLOAT32_MAX], [2, FLOAT32_MAX]]) {
    const name = clip.inputs[i];
    if (!name) {
      params.push(fallback);
      continue;
    }
    const c = graph.constant(name);
    if (!c || c.data.length !== 1) return undefined;
    params.push(numbersOf(c)[0]);
  }
  return { opType: "Clip", params };
}

/** A MatMul of two matrices, which FusedGemm (Gemm without C) computes alike. */
function isMatrixProduct(graph: GraphView, matmul: Node): boolean {
  return matmul.inputs.every((n) => hasRank(graph.type(n)?.dims, 2));
}
