/**
 * Tidying a rewritten graph: nodes back in an order where every value is made before it is
 * read, constants and declared types of values that are gone dropped.
 * @module
 */
import type { Graph, Node } from "../ir.ts";
import { readsOf } from "../reads.ts";

/** `graph` in dependency order, without unread initializers or stale value types. */
export function finishGraph(graph: Graph): Graph {
  const nodes = dependencyOrder(graph.nodes);
  const read = new Set([...nodes.flatMap(readsOf), ...graph.outputs.map((o) => o.name)]);
  const made = new Set(nodes.flatMap((n) => n.outputs));
  return {
    ...graph,
    nodes,
    initializers: new Map([...graph.initializers].filter(([name]) => read.has(name))),
    valueInfo: new Map([...graph.valueInfo].filter(([name]) => made.has(name))),
  };
}

/**
 * The nodes reordered so producers precede readers, otherwise keeping their order: a
 * patch puts new nodes where the last node it removed stood, which can be after a reader.
 */
function dependencyOrder(nodes: readonly Node[]): Node[] {
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.outputs) if (o !== "") producer.set(o, n);
  const index = new Map(nodes.map((n, i) => [n, i]));
  const placed = new Set<Node>();
  const out: Node[] = [];
  for (const root of nodes) {
    const stack: { node: Node; deps: Node[] }[] = [];
    const enter = (node: Node) => {
      placed.add(node);
      const deps = readsOf(node).map((r) => producer.get(r)).filter((p): p is Node => !!p);
      // Popped from the end: the earliest producer is placed first.
      deps.sort((a, b) => index.get(b)! - index.get(a)!);
      stack.push({ node, deps });
    };
    if (!placed.has(root)) enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.deps.pop();
      if (next === undefined) out.push(stack.pop()!.node);
      else if (!placed.has(next)) enter(next);
    }
  }
  return out;
}
