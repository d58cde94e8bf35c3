/**
 * A model's inputs and outputs as clients see them (protocol datatypes, -1 for dynamic
 * dims), and the checks a request's tensors must pass against them.
 * @module
 */
import type { Model } from "../../graph/ir.ts";
import { inferShapes } from "../../graph/infer_shapes.ts";
import type { Tensor } from "../../graph/tensor.ts";
import type { DType } from "../../graph/dtype.ts";
import { v2Datatype } from "./datatypes.ts";
import { BadRequestError } from "./errors.ts";

/** One input or output: its type and dims (-1 where dynamic). */
export interface TensorSpec {
  name: string;
  dtype: DType;
  datatype: string;
  shape: number[];
}

/** A model's inputs and outputs. */
export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * Reads a model's signature; output types the model leaves undeclared are inferred.
 * @param model an optimized model
 * @returns its inputs and outputs
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareModel } from "../../worker/prepare_model.ts";
 * const { model } = await prepareModel(await Deno.readFile("tests/data/relu.onnx"));
 * assert.deepEqual(signatureOf(model).inputs[0].shape, [2]);
 * ```
 */
export function signatureOf(model: Model): Signature {
  const graph = model.graph;
  let inferred: ReturnType<typeof inferShapes> | undefined;
  const types = () => (inferred ??= inferShapes(graph, model.opsets.get("") ?? 1));
  const spec = (name: string, dtype: DType, dims?: (number | string)[]): TensorSpec => ({
    name,
    dtype,
    datatype: v2Datatype(dtype),
    shape: (dims ?? types().get(name)?.dims ?? [-1]).map((d) => typeof d === "number" ? d : -1),
  });
  return {
    inputs: graph.inputs.map((i) => spec(i.name, i.dtype, i.dims)),
    outputs: graph.outputs.map((o) => spec(o.name, o.dtype, o.dims)),
  };
}

/**
 * Checks a request's feeds against the inputs: every input present, no unknown ones,
 * matching datatype, rank and static dims.
 * @param signature the model's signature
 * @param feeds the request's tensors by name
 * @throws {BadRequestError} naming the first tensor at fault
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * const sig = { inputs: [{ name: "x", dtype: "float32" as const, datatype: "FP32", shape: [-1] }], outputs: [] };
 * checkFeeds(sig, { x: new Tensor("float32", [1, 2]) });
 * assert.throws(() => checkFeeds(sig, {}), /"x"/);
 * ```
 */
export function checkFeeds(signature: Signature, feeds: Record<string, Tensor>): void {
  const known = new Set(signature.inputs.map((i) => i.name));
  for (const name of Object.keys(feeds)) {
    if (!known.has(name)) {
      throw new BadRequestError(`Cannot run the model: it has no input "${name}"`, name);
    }
  }
  for (const spec of signature.inputs) {
    const t = feeds[spec.name];
    if (!t) {
      throw new BadRequestError(`Cannot run the model: input "${spec.name}" is missing`, spec.name);
    }
    if (t.type !== spec.dtype) {
      throw new BadRequestError(
        `Cannot run the model: input "${spec.name}" has datatype ${
          v2Datatype(t.type)
        }, expected ${spec.datatype}`,
        spec.name,
      );
    }
    const fits = t.dims.length === spec.shape.length &&
      spec.shape.every((d, i) => d < 0 || d === t.dims[i]);
    if (!fits) {
      throw new BadRequestError(
        `Cannot run the model: input "${spec.name}" has shape [${t.dims}], expected [${spec.shape}]`,
        spec.name,
      );
    }
  }
}
