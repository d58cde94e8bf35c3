/**
 * Redirecting reads of values to other values, through subgraphs that capture them.
 * @module
 */
import type { Attribute, Graph, Node } from "../ir.ts";

/**
 * `node` reading each renamed value's replacement, subgraph captures included; the same
 * object when it reads none of them.
 */
export function renameReads(node: Node, rename: ReadonlyMap<string, string>): Node {
  let changed = false;
  const inputs = node.inputs.map((name) => {
    const to = rename.get(name);
    if (to === undefined) return name;
    changed = true;
    return to;
  });
  const attributes = new Map<string, Attribute>();
  for (const [key, a] of node.attributes) {
    const next = renameAttribute(a, rename);
    changed ||= next !== a;
    attributes.set(key, next);
  }
  return changed ? { ...node, inputs, attributes } : node;
}

function renameAttribute(a: Attribute, rename: ReadonlyMap<string, string>): Attribute {
  if (a.kind === "graph") {
    const g = renameCaptures(a.value, rename);
    return g === a.value ? a : { kind: "graph", value: g };
  }
  if (a.kind === "graphs") {
    const gs = a.value.map((g) => renameCaptures(g, rename));
    return gs.every((g, i) => g === a.value[i]) ? a : { kind: "graphs", value: gs };
  }
  return a;
}

/** A subgraph reading outer values under their new names (its own names shadow them). */
function renameCaptures(graph: Graph, rename: ReadonlyMap<string, string>): Graph {
  const local = new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) local.add(o);
  const outer = new Map([...rename].filter(([from]) => !local.has(from)));
  if (outer.size === 0) return graph;
  const nodes = graph.nodes.map((n) => renameReads(n, outer));
  const outputs = graph.outputs.map((o) => {
    const to = outer.get(o.name);
    return to === undefined ? o : { ...o, name: to };
  });
  const same = nodes.every((n, i) => n === graph.nodes[i]) &&
    outputs.every((o, i) => o === graph.outputs[i]);
  return same ? graph : { ...graph, nodes, outputs };
}
