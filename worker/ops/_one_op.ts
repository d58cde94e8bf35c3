/**
 * Runs a model of a single node, for op tests that the ONNX node suite does not cover.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import { encodeModel } from "../../graph/encode_model.ts";
import type { Attribute } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";

/** One node to run: its op, attributes, inputs (null where left out) and output types. */
export interface OneOp {
  opType: string;
  attributes?: Record<string, Attribute>;
  inputs: (Tensor | null)[];
  /** Output element types; null leaves that output out (named ""). */
  outputs: (DType | null)[];
  opset: number;
}

/**
 * Runs `op` as a one-node model and returns the outputs it produces, in order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * const [y] = await runOneOp({
 *   opType: "Relu", inputs: [new Tensor("float32", [-1, 2])], outputs: ["float32"], opset: 14,
 * });
 * assert.deepEqual(Array.from(y.data as Float32Array), [0, 2]);
 * ```
 */
export async function runOneOp(op: OneOp): Promise<Tensor[]> {
  const inputs = op.inputs.map((t, i) => (t ? `x${i}` : ""));
  const outputs = op.outputs.map((t, i) => (t ? `y${i}` : ""));
  const node = {
    name: "node",
    opType: op.opType,
    domain: "",
    inputs,
    outputs,
    attributes: new Map(Object.entries(op.attributes ?? {})),
  };
  const bytes = encodeModel({
    irVersion: 8,
    opsets: new Map([["", op.opset]]),
    producerName: "meshrt tests",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: "one_op",
      nodes: [node],
      initializers: new Map(),
      valueInfo: new Map(),
      inputs: op.inputs.flatMap((t, i) =>
        t ? [{ name: inputs[i], dtype: t.type, dims: [...t.dims] }] : []
      ),
      outputs: op.outputs.flatMap((t, i) => (t ? [{ name: outputs[i], dtype: t }] : [])),
    },
  });
  const session = await InferenceSession.create(bytes);
  try {
    const feeds: Record<string, Tensor> = {};
    op.inputs.forEach((t, i) => t && (feeds[inputs[i]] = t));
    const got = await session.run(feeds);
    return outputs.filter((n) => n).map((n) => got[n]);
  } finally {
    session.release();
  }
}
