/**
 * One node's output types, for a graph that changes under the optimizer. Unlike whole-graph
 * inference it tolerates what it cannot type: ops without a schema, inputs of unknown type
 * and rules that reject their inputs all give unknown outputs (the session's own inference
 * reports those later, with the model as it will run).
 * @module
 */
import type { HostTensor, Node, TensorType } from "../ir.ts";
import { opSchema } from "../ops/registry.ts";
import type { InputInfo } from "../ops/schema.ts";
import { ShapeError } from "../errors.ts";

/**
 * The types of `node`'s outputs, or undefined when they cannot be known.
 * @param typeOf a value's known type
 * @param constantOf a value's contents when constant
 */
export function inferNode(
  node: Node,
  typeOf: (name: string) => TensorType | undefined,
  constantOf: (name: string) => HostTensor | undefined,
  opset: number,
): TensorType[] | undefined {
  const schema = opSchema(node.opType, node.domain);
  if (!schema) return undefined;
  const inputs: (InputInfo | undefined)[] = [];
  for (const name of node.inputs) {
    if (name === "") {
      inputs.push(undefined);
      continue;
    }
    const t = typeOf(name);
    if (!t) return undefined;
    const c = constantOf(name);
    inputs.push({ ...t, values: () => c && Array.from(c.data as ArrayLike<number>, Number) });
  }
  try {
    return schema.infer(inputs, { node, params: schema.prepare(node, opset), opset });
  } catch (e) {
    if (e instanceof ShapeError) return undefined;
    throw e;
  }
}
