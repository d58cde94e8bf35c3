/**
 * Which values a node or subgraph reads, subgraph captures included, and the subgraphs a
 * node holds.
 * @module
 */
import type { Graph, Node } from "./ir.ts";

/**
 * Every value a node reads: its inputs and the outer values its subgraphs read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "n", opType: "Add", domain: "", inputs: ["a", "", "b"], outputs: ["y"], attributes: new Map() };
 * assert.deepEqual(readsOf(node), ["a", "b"]);
 * ```
 */
export function readsOf(node: Node): string[] {
  const names = node.inputs.filter((n) => n !== "");
  for (const g of subgraphsOf(node)) names.push(...outerReads(g));
  return names;
}

/**
 * The graphs a node holds as attributes (If's branches, Loop's body), in attribute order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "n", opType: "Relu", domain: "", inputs: ["a"], outputs: ["y"], attributes: new Map() };
 * assert.deepEqual(subgraphsOf(node), []);
 * ```
 */
export function subgraphsOf(node: Node): Graph[] {
  return [...node.attributes.values()].flatMap((a) =>
    a.kind === "graph" ? [a.value] : a.kind === "graphs" ? a.value : []
  );
}

/** Values a subgraph reads from enclosing scopes. */
export function outerReads(graph: Graph): string[] {
  const local = new Set<string>([
    ...graph.inputs.map((i) => i.name),
    ...graph.initializers.keys(),
  ]);
  const outer = new Set<string>();
  for (const node of graph.nodes) {
    for (const name of readsOf(node)) if (!local.has(name)) outer.add(name);
    for (const o of node.outputs) local.add(o);
  }
  for (const o of graph.outputs) if (!local.has(o.name)) outer.add(o.name);
  return [...outer];
}
