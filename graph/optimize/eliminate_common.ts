/**
 * Common subexpression elimination: a node computing what an earlier node already computes
 * (same op, inputs and attributes) goes, its readers reading the earlier node's outputs;
 * small constants of equal contents are merged first so such nodes read the same names.
 * @module
 */
import type { Attribute, HostTensor, Node } from "../ir.ts";
import { RANDOM_OPS } from "./fold_constants.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Merges `node` into an earlier twin, or points its constant inputs at shared copies.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([eliminateCommon], {
 *   inputs: { x: [2] }, outputs: ["y"],
 *   nodes: [["Relu", ["x"], ["a"]], ["Relu", ["x"], ["b"]], ["Add", ["a", "b"], ["y"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => n.inputs), [["x"], ["a", "a"]]);
 * ```
 */
export function eliminateCommon(graph: GraphView, node: Node): Patch | null {
  return sharedConstants(graph, node) ?? earlierTwin(graph, node);
}

function sharedConstants(graph: GraphView, node: Node): Patch | null {
  const rename = new Map<string, string>();
  for (const name of node.inputs) {
    const shared = name === "" ? name : graph.canonicalConstant(name);
    if (shared !== name) rename.set(name, shared);
  }
  return rename.size > 0 ? { remove: [], rename } : null;
}

function earlierTwin(graph: GraphView, node: Node): Patch | null {
  const anchor = node.inputs.find((i) => i !== "");
  if (anchor === undefined || RANDOM_OPS.has(node.opType)) return null;
  if (node.outputs.some((o) => graph.isOutput(o))) return null;
  const at = graph.serial(node);
  const twin = graph.consumers(anchor).find((other) =>
    graph.serial(other) < at && sameComputation(other, node)
  );
  if (!twin) return null;
  const rename = new Map<string, string>();
  node.outputs.forEach((o, i) => {
    if (o !== "") rename.set(o, twin.outputs[i]);
  });
  return [...rename.values()].includes("") ? null : { remove: [node], rename };
}

function sameComputation(a: Node, b: Node): boolean {
  if (a.opType !== b.opType || a.domain !== b.domain) return false;
  if (a.outputs.length !== b.outputs.length || !sameList(a.inputs, b.inputs)) return false;
  if (a.attributes.size !== b.attributes.size) return false;
  for (const [key, x] of a.attributes) {
    const y = b.attributes.get(key);
    if (!y || !sameAttribute(x, y)) return false;
  }
  return true;
}

/** Equal attribute values; subgraphs never compare equal, so If and Loop stay apart. */
function sameAttribute(x: Attribute, y: Attribute): boolean {
  switch (x.kind) {
    case "tensor":
      return y.kind === "tensor" && sameTensor(x.value, y.value);
    case "tensors":
      return y.kind === "tensors" && x.value.length === y.value.length &&
        x.value.every((t, i) => sameTensor(t, y.value[i]));
    case "floats":
    case "ints":
    case "strings":
      return y.kind === x.kind && sameList<unknown>(x.value, y.value as unknown[]);
    case "graph":
    case "graphs":
      return false;
    default:
      return y.kind === x.kind && Object.is(x.value, y.value);
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function sameTensor(a: HostTensor, b: HostTensor): boolean {
  if (a.dtype !== b.dtype || !sameList(a.dims, b.dims)) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
