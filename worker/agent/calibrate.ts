/**
 * A short measurement of this worker's speed per op class, sent to the coordinator so
 * the partitioner can balance stages across unequal machines.
 * @module
 */
import type { Graph } from "../../graph/ir.ts";
import { loadKernels } from "../../kernels/mod.ts";
import { Arena } from "../engine/arena.ts";
import { Executor } from "../engine/executor.ts";
import { Scope } from "../engine/scope.ts";

/** Speeds in GFLOP/s (for "memory", giga-elements per second) keyed "<backend>.<class>". */
export type Speeds = Record<string, number>;

/**
 * Measures the wasm backend: a 256³ MatMul and a 1M-element Add, each for ~`budgetMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const speeds = await calibrateWasm(20);
 * assert.ok(speeds["wasm.compute"] > 0 && speeds["wasm.memory"] > 0);
 * ```
 */
export async function calibrateWasm(budgetMs = 150): Promise<Speeds> {
  const kernels = await loadKernels();
  const executor = new Executor(kernels, new Arena(kernels.memory, kernels.heapBase));
  const n = 256, len = 1 << 20;
  const compute = time(executor, oneNode("MatMul", [n, n], [n, n]), budgetMs);
  const memory = time(executor, oneNode("Add", [len], [len]), budgetMs);
  return { "wasm.compute": (2 * n * n * n) / compute / 1e6, "wasm.memory": len / memory / 1e6 };
}

function oneNode(opType: string, a: number[], b: number[]): Graph {
  return {
    name: `calibrate_${opType}`,
    nodes: [{
      name: opType,
      opType,
      domain: "",
      inputs: ["a", "b"],
      outputs: ["y"],
      attributes: new Map(),
    }],
    inputs: [{ name: "a", dtype: "float32", dims: a }, { name: "b", dtype: "float32", dims: b }],
    outputs: [{ name: "y", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  };
}

/** Median ms of one run of `graph`. */
function time(executor: Executor, graph: Graph, budgetMs: number): number {
  const plan = executor.plan(graph, 13);
  const samples: number[] = [];
  const until = performance.now() + budgetMs;
  do {
    const scope = new Scope();
    for (const input of graph.inputs) {
      const dims = input.dims as number[];
      scope.values.set(input.name, executor.allocate("float32", dims));
    }
    const start = performance.now();
    executor.run(plan, scope);
    samples.push(performance.now() - start);
    for (const t of scope.values.values()) executor.release(t);
  } while (performance.now() < until || samples.length < 3);
  samples.sort((x, y) => x - y);
  return Math.max(samples[samples.length >> 1], 1e-3);
}
