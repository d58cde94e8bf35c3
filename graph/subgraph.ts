/**
 * Cutting a graph into contiguous stages: what is live across each cut, and the stage
 * subgraphs a pipeline runs.
 * @module
 */
import type { Graph, TensorType, ValueInfo } from "./ir.ts";
import { readsOf } from "./reads.ts";

/**
 * For each cut position c (0..nodes.length), the values produced before c (or fed as graph
 * inputs) that a node at or after c, or the graph's outputs, still read. Initializers are
 * not live: every stage holds its own.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const n = (name: string, i: string[], o: string) =>
 *   ({ name, opType: "Relu", domain: "", inputs: i, outputs: [o], attributes: new Map() });
 * const live = liveAcrossCuts({
 *   name: "g", initializers: new Map(), valueInfo: new Map(),
 *   inputs: [{ name: "x", dtype: "float32" }], outputs: [{ name: "z", dtype: "float32" }],
 *   nodes: [n("a", ["x"], "y"), n("b", ["y", "x"], "z")],
 * });
 * assert.deepEqual(live.map((s) => [...s].sort()), [["x"], ["x", "y"], ["z"]]);
 * ```
 */
export function liveAcrossCuts(graph: Graph): Set<string>[] {
  const n = graph.nodes.length;
  const lastRead = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const name of readsOf(node)) lastRead.set(name, i);
  });
  for (const o of graph.outputs) lastRead.set(o.name, n);
  const born = new Map<string, number>();
  for (const input of graph.inputs) born.set(input.name, 0);
  graph.nodes.forEach((node, i) => node.outputs.forEach((o) => o && born.set(o, i + 1)));
  const cuts: Set<string>[] = Array.from({ length: n + 1 }, () => new Set<string>());
  for (const [name, start] of born) {
    const end = lastRead.get(name);
    if (end === undefined) continue;
    for (let c = start; c <= Math.min(end, n); c++) cuts[c].add(name);
  }
  return cuts;
}

/**
 * The stage running nodes [start, end): its inputs are everything live at `start`, its
 * outputs everything live at `end` (values it only passes along included).
 * @param types value types from static inference, for the stage's interface
 */
export function extractStage(
  graph: Graph,
  start: number,
  end: number,
  types: ReadonlyMap<string, TensorType>,
  live: readonly Set<string>[] = liveAcrossCuts(graph),
): Graph {
  const nodes = graph.nodes.slice(start, end);
  const info = (name: string): ValueInfo => ({
    name,
    ...(types.get(name) ?? { dtype: "float32" }),
  });
  const used = new Set(nodes.flatMap(readsOf));
  const initializers = new Map([...graph.initializers].filter(([name]) => used.has(name)));
  return {
    name: `${graph.name || "graph"}_stage_${start}_${end}`,
    nodes,
    inputs: [...live[start]].map(info),
    outputs: [...live[end]].map(info),
    initializers,
    valueInfo: new Map(),
  };
}
