/**
 * Small models the engine tests build: a Conv chain the plan fuses, and its inputs.
 * @module
 */
import { encodeModel } from "../../graph/encode_model.ts";
import type { Attribute, Graph, HostTensor, Node } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";

/** A node named after its first output. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, Attribute> = {},
): Node {
  return {
    name: outputs[0],
    opType,
    domain: "",
    inputs,
    outputs,
    attributes: new Map(Object.entries(attributes)),
  };
}

/** A model of `graph` at ai.onnx `opset`. */
export function model(graph: Graph, opset: number): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsets: new Map([["", opset]]),
    producerName: "",
    producerVersion: "",
    metadata: new Map(),
    graph,
  });
}

/**
 * A model of one `opType` node reading x0, x1, ... (an undefined input stays absent) into
 * y, of the first input's type; `feeds` names the inputs for `run`.
 */
export function oneNode(
  opType: string,
  attrs: Record<string, Attribute>,
  inputs: readonly (Tensor | undefined)[],
  opset = 19,
): { bytes: Uint8Array; feeds: Record<string, Tensor> } {
  const names = inputs.map((t, i) => (t ? `x${i}` : ""));
  const present = inputs.flatMap((t, i) => (t ? [[names[i], t] as const] : []));
  const bytes = model({
    name: "g",
    nodes: [node(opType, names, ["y"], attrs)],
    inputs: present.map(([name, t]) => ({ name, dtype: t.type, dims: [...t.dims] })),
    outputs: [{ name: "y", dtype: inputs[0]!.type }],
    initializers: new Map(),
    valueInfo: new Map(),
  }, opset);
  return { bytes, feeds: Object.fromEntries(present) };
}

/** A float32 constant. */
export const f32 = (dims: number[], values: number[]): HostTensor => ({
  dtype: "float32",
  dims,
  data: new Float32Array(values),
});

/** x [1, 2, 3, 3] → Conv 3×3 (pad 1) → x·HardSigmoid(x) → ·scale → +shift. */
export function convChain(opset: number): Uint8Array {
  const w = Array.from({ length: 2 * 2 * 9 }, (_, i) => Math.sin(i) * 0.5);
  const gate: Record<string, Attribute> = {
    alpha: { kind: "float", value: 1 / 6 },
    beta: { kind: "float", value: 0.5 },
  };
  return model({
    name: "chain",
    nodes: [
      node("Conv", ["x", "w", "b"], ["c"], { pads: { kind: "ints", value: [1, 1, 1, 1] } }),
      node("HardSigmoid", ["c"], ["h"], gate),
      node("Mul", ["c", "h"], ["m"]),
      node("Mul", ["s", "m"], ["ms"]),
      node("Add", ["ms", "t"], ["y"]),
    ],
    inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 3, 3] }],
    outputs: [{ name: "y", dtype: "float32", dims: [1, 2, 3, 3] }],
    initializers: new Map([
      ["w", f32([2, 2, 3, 3], w)],
      ["b", f32([2], [0.25, -0.5])],
      ["s", f32([1], [1.5])],
      ["t", f32([1], [-0.25])],
    ]),
    valueInfo: new Map(),
  }, opset);
}

/** A [1, 2, 3, 3] input that differs with `seed`. */
export const image = (seed: number) =>
  new Tensor("float32", Float32Array.from({ length: 18 }, (_, i) => Math.cos(i * seed) * 4), [
    1,
    2,
    3,
    3,
  ]);

/** The model's output `y` for input `x`. */
export async function outputs(session: InferenceSession, x: Tensor): Promise<number[]> {
  return Array.from((await session.run({ x })).y.data as Float32Array);
}
