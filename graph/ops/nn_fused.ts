/**
 * ONNX Runtime's fused ops (domain com.microsoft), which the optimizer emits at level
 * "all": FusedConv and FusedGemm, a Conv or Gemm with an activation applied as its result
 * is written.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Node } from "../ir.ts";
import { attrFloat, attrFloats, attrString } from "./_attrs.ts";
import { Conv, type ConvParams } from "./nn_conv.ts";
import { Gemm, type GemmParams } from "./nn_gemm.ts";
import { defineOp, type OpSchema } from "./schema.ts";

/** An epilogue activation as [code, p0, p1], numbered as the kernels number them. */
export type Activation = readonly [number, number, number];

/** No activation. */
export const NO_ACTIVATION: Activation = [0, 0, 0];

const CODES: Record<string, number> = {
  Relu: 1,
  Clip: 2,
  Sigmoid: 3,
  HardSigmoid: 4,
  LeakyRelu: 5,
  HardSwish: 6,
  Tanh: 7,
};

/** Parameter defaults of each activation, as ONNX defines the op. */
const DEFAULTS: Record<string, [number, number]> = {
  Clip: [-3.4028234663852886e38, 3.4028234663852886e38],
  HardSigmoid: [0.2, 0.5],
  LeakyRelu: [0.01, 0],
};

function activation(node: Node, name: string, given: readonly number[]): Activation {
  const code = CODES[name];
  if (code === undefined) {
    throw new ShapeError(node.name, node.opType, `activation "${name}" is not supported`);
  }
  const [d0, d1] = DEFAULTS[name] ?? [0, 0];
  return [code, given[0] ?? d0, given[1] ?? d1];
}

/**
 * FusedConv's activation: attributes `activation` and `activation_params`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "c", opType: "FusedConv", domain: "com.microsoft", inputs: [], outputs: [],
 *   attributes: new Map([["activation", { kind: "string" as const, value: "LeakyRelu" }]]) };
 * assert.deepEqual(fusedConvActivation(node), [5, 0.01, 0]);
 * ```
 */
export function fusedConvActivation(node: Node): Activation {
  return activation(
    node,
    attrString(node, "activation", ""),
    attrFloats(node, "activation_params", []),
  );
}

/** FusedGemm's activation: `activation`, `activation_alpha`, `activation_beta`. */
export function fusedGemmActivation(node: Node): Activation {
  const params = [attrFloat(node, "activation_alpha"), attrFloat(node, "activation_beta")];
  const given = params[0] === undefined ? [] : params[1] === undefined ? [params[0]] : params;
  return activation(node, attrString(node, "activation", ""), given as number[]);
}

/** Conv with an activation in its epilogue. */
export const FusedConv = defineOp({
  ...Conv,
  opType: "FusedConv",
  prepare: (node, opset): ConvParams => ({
    ...Conv.prepare(node, opset),
    activation: fusedConvActivation(node),
  }),
});

/** Gemm with an activation in its epilogue. */
export const FusedGemm = defineOp({
  ...Gemm,
  opType: "FusedGemm",
  prepare: (node, opset): GemmParams => ({
    ...Gemm.prepare(node, opset),
    activation: fusedGemmActivation(node),
  }),
});

/** Schemas of the com.microsoft ops meshrt runs. */
export const MICROSOFT_OPS: readonly OpSchema<unknown>[] = [FusedConv, FusedGemm];
