/**
 * A dependency cycle among a graph's nodes, for the message that rejects it.
 * @module
 */
import type { Node } from "./ir.ts";
import { readsOf } from "./reads.ts";

/** DFS marks: not seen, on the current path, finished. */
const NEW = 0, OPEN = 1, DONE = 2;

/**
 * Some cycle of nodes that feed each other (subgraph captures included), in data-flow
 * order with the first node repeated at the end, or undefined when the nodes have a
 * topological order. Iterative, so a long chain cannot overflow the stack.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const n = (name: string, i: string, o: string) =>
 *   ({ name, opType: "Relu", domain: "", inputs: [i], outputs: [o], attributes: new Map() });
 * const cycle = findCycle([n("a", "y", "x"), n("b", "x", "y")]);
 * assert.deepEqual(cycle?.map((node) => node.name), ["b", "a", "b"]);
 * ```
 */
export function findCycle(nodes: readonly Node[]): Node[] | undefined {
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => node.outputs.forEach((o) => o && producer.set(o, i)));
  const feeders = nodes.map((node) =>
    readsOf(node).flatMap((name) => producer.get(name) ?? []) as number[]
  );
  const state = new Uint8Array(nodes.length);
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== NEW) continue;
    // path[k] reads a value path[k + 1] produces; next[k] is the feeder of path[k] to try.
    const path = [root], next = [0];
    state[root] = OPEN;
    while (path.length > 0) {
      const top = path.length - 1, i = path[top];
      const j = feeders[i][next[top]++];
      if (j === undefined) {
        state[i] = DONE;
        path.pop();
        next.pop();
      } else if (state[j] === OPEN) {
        const loop = path.slice(path.indexOf(j)).reverse();
        return [...loop, loop[0]].map((k) => nodes[k]);
      } else if (state[j] === NEW) {
        state[j] = OPEN;
        path.push(j);
        next.push(0);
      }
    }
  }
  return undefined;
}
