/**
 * Static shape and type inference over a whole graph, symbolic dims allowed.
 * @module
 */
import type { Graph, HostTensor, TensorType } from "./ir.ts";
import { opSchema } from "./ops/registry.ts";
import type { InputInfo } from "./ops/schema.ts";
import { UnsupportedOpError } from "./errors.ts";

/**
 * The type of every value in `graph`, from its inputs' declared types.
 * @param graph the graph (nodes in topological order)
 * @param opset the ai.onnx opset version
 * @param outer types of enclosing-scope values, for subgraphs
 * @returns a map from value name to its type
 * @throws {UnsupportedOpError} on a node whose op has no schema
 * @throws {ShapeError} on a node whose inputs break its op's rules
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const types = inferShapes({
 *   name: "g", initializers: new Map(), valueInfo: new Map(),
 *   inputs: [{ name: "x", dtype: "float32", dims: ["N", 3] }],
 *   outputs: [{ name: "y", dtype: "float32" }],
 *   nodes: [{ name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() }],
 * }, 13);
 * assert.deepEqual(types.get("y")?.dims, ["N", 3]);
 * ```
 */
export function inferShapes(
  graph: Graph,
  opset: number,
  outer: ReadonlyMap<string, TensorType> = new Map(),
): Map<string, TensorType> {
  const types = new Map<string, TensorType>(outer);
  const constants = new Map<string, HostTensor>();
  for (const input of graph.inputs) types.set(input.name, { dtype: input.dtype, dims: input.dims });
  for (const [name, t] of graph.initializers) {
    types.set(name, { dtype: t.dtype, dims: t.dims });
    constants.set(name, t);
  }
  for (const node of graph.nodes) {
    const schema = opSchema(node.opType, node.domain);
    if (!schema) throw new UnsupportedOpError(node.opType, node.name, node.domain);
    const inputs = node.inputs.map((name): InputInfo | undefined => {
      if (name === "") return undefined;
      const t = types.get(name) ?? { dtype: "float32" };
      const c = constants.get(name);
      return {
        ...t,
        values: () => (c ? Array.from(c.data as ArrayLike<number>, Number) : undefined),
      };
    });
    const params = schema.prepare(node, opset);
    const out = schema.infer(inputs, { node, params, opset });
    node.outputs.forEach((name, i) => {
      if (name !== "" && out[i]) {
        types.set(
          name,
          graph.valueInfo.get(name)?.dims && !out[i].dims ? graph.valueInfo.get(name)! : out[i],
        );
      }
    });
    if (node.opType === "Constant") constants.set(node.outputs[0], params as HostTensor);
  }
  return types;
}
