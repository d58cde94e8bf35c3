/**
 * Dead-node elimination: nodes none of whose outputs reach a graph output go, together with
 * the nodes that only fed them.
 * @module
 */
import type { Node } from "../ir.ts";
import { readsOf } from "../reads.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Removes `node` when nothing reads its outputs, and the chain that only fed it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * const g = optimizeGraphForTest([eliminateDead], {
 *   inputs: { x: [2] }, outputs: ["y"],
 *   nodes: [["Relu", ["x"], ["y"]], ["Neg", ["x"], ["a"]], ["Abs", ["a"], ["b"]]],
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["Relu"]);
 * ```
 */
export function eliminateDead(graph: GraphView, node: Node): Patch | null {
  const dead = new Set<Node>();
  if (!unread(graph, node, dead)) return null;
  const pending = [node];
  while (pending.length > 0) {
    const n = pending.pop()!;
    dead.add(n);
    for (const name of readsOf(n)) {
      const p = graph.producer(name);
      if (p && !dead.has(p) && unread(graph, p, dead)) pending.push(p);
    }
  }
  return { remove: [...dead] };
}

/** Whether no output of `node` is a graph output or read by a node outside `dead`. */
function unread(graph: GraphView, node: Node, dead: ReadonlySet<Node>): boolean {
  return node.outputs.every((o) =>
    o === "" || (!graph.isOutput(o) && graph.consumers(o).every((c) => dead.has(c)))
  );
}
