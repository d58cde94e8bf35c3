/**
 * The per-node checks of model validation: op named, domain imported, and for the ops
 * meshrt knows, input and output counts and attributes (parsed by the op's own rule).
 * @module
 */
import { ModelLoadError, ShapeError } from "./errors.ts";
import type { Node } from "./ir.ts";
import { opSchema } from "./ops/registry.ts";

/**
 * Checks one node against its op's spec.
 * @param opsets the model's opset imports ("" is ai.onnx)
 * @param where the graph holding it, for the message: `graph "main"`
 * @throws {ModelLoadError} naming the node and what is wrong with it
 * @throws {UnsupportedDTypeError} when an attribute names a type meshrt does not support
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelLoadError } from "./errors.ts";
 * const relu = { name: "r", opType: "Relu", domain: "", inputs: ["a", "b"], outputs: ["y"], attributes: new Map() };
 * assert.throws(() => validateNode(relu, new Map([["", 13]]), `graph "g"`), ModelLoadError);
 * ```
 */
export function validateNode(
  node: Node,
  opsets: ReadonlyMap<string, number>,
  where: string,
): void {
  const fail = (detail: string, cause?: unknown): never => {
    throw new ModelLoadError(
      `Cannot load ${where}: node "${node.name}" (${node.opType || "no op"}) ${detail}`,
      { nodeName: node.name, cause },
    );
  };
  if (node.opType === "") fail("names no op type");
  if (node.domain !== "" && !opsets.has(node.domain)) {
    fail(`is in domain "${node.domain}", which the model does not import`);
  }
  const schema = opSchema(node.opType, node.domain);
  if (!schema) return;
  const opset = opsets.get("") ?? 1;
  const arity = schema.arity?.(opset);
  if (arity) {
    const bad = countError("input", node.inputs.length, arity.inputs) ??
      countError("output", node.outputs.length, arity.outputs);
    if (bad) fail(`${bad} at opset ${opset}`);
  }
  try {
    schema.prepare(node, opset);
  } catch (e) {
    if (e instanceof ShapeError) fail(`has invalid attributes: ${e.detail}`, e);
    throw e;
  }
}

/** "has 4 inputs, its op takes 2 to 3", or undefined when `count` lies in [min, max]. */
function countError(what: string, count: number, [min, max]: readonly [number, number]) {
  if (count >= min && count <= max) return undefined;
  const takes = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  return `has ${count} ${what}${count === 1 ? "" : "s"}, its op takes ${takes}`;
}
