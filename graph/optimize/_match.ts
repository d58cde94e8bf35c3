/**
 * Pattern helpers the fusion rules share.
 * @module
 */
import type { Dim, Node } from "../ir.ts";
import type { GraphView } from "./rule.ts";

/** Whether `value` is read by `reader` alone and is not a graph output. */
export function readOnlyBy(graph: GraphView, value: string, reader: Node): boolean {
  const readers = graph.consumers(value);
  return !graph.isOutput(value) && readers.length === 1 && readers[0] === reader;
}

/**
 * The ai.onnx node of one of `opTypes` producing `value`, when `reader` is its only
 * reader (so fusing the two leaves nothing else depending on it).
 */
export function fusableProducer(
  graph: GraphView,
  value: string,
  reader: Node,
  opTypes: readonly string[],
): Node | undefined {
  const p = graph.producer(value);
  if (!p || p.domain !== "" || !opTypes.includes(p.opType)) return undefined;
  return readOnlyBy(graph, value, reader) ? p : undefined;
}

/** Whether the dims are known and of rank `rank`. */
export function hasRank(dims: readonly Dim[] | undefined, rank: number): dims is Dim[] {
  return dims !== undefined && dims.length === rank;
}

/**
 * Whether `from` broadcasts to `to` without growing it: every dim (aligned right) is 1 or
 * provably equal to its counterpart.
 */
export function broadcastsInto(from: readonly Dim[], to: readonly Dim[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[offset + i]);
}

/** The two sides of an Add one of whose operands comes from a fusable `opTypes` node. */
export function addOnto(
  graph: GraphView,
  add: Node,
  opTypes: readonly string[],
): { node: Node; other: string } | undefined {
  if (add.opType !== "Add" || add.domain !== "" || add.inputs.length !== 2) return undefined;
  const [a, b] = add.inputs;
  if (a === b) return undefined;
  for (const [mine, other] of [[a, b], [b, a]]) {
    const node = fusableProducer(graph, mine, add, opTypes);
    if (node) return { node, other };
  }
  return undefined;
}
