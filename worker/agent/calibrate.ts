/**
 * A short measurement of this worker's speed per backend and op class, sent to the
 * coordinator so the partitioner can balance stages across unequal machines and put the
 * GPU-friendly parts of a graph where they run fastest.
 * @module
 */
import { encodeModel } from "../../graph/encode_model.ts";
import type { Model, Node } from "../../graph/ir.ts";
import type { OpClass } from "../../graph/op_class.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";

/** Speeds in GFLOP/s (for "memory", giga-elements per second) keyed "<backend>.<class>". */
export type Speeds = Record<string, number>;

/** Backends a worker can run its stages on. */
export type WorkerBackend = "wasm" | "webgpu";

/** Nodes timed: the difference between a chain of 1 + CHAIN nodes and a chain of 1. */
const CHAIN = 6;
const MATMUL_N = 256;
const ADD_LENGTH = 1 << 20;

/**
 * Measures one backend: 256³ MatMuls ("compute") and 1M-element Adds ("memory"), run as
 * sessions on that backend alone. Each is timed as a chain of 1 + CHAIN nodes and of 1 node,
 * for about `budgetMs` each; the difference is what CHAIN nodes cost inside a stage, without
 * the session's copies of inputs and outputs, which a stage pays once, not per node.
 * @throws {Error} when the backend cannot start here
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const speeds = await calibrate("wasm", 20);
 * assert.ok(speeds["wasm.compute"] > 0 && speeds["wasm.memory"] > 0);
 * ```
 */
export async function calibrate(backend: WorkerBackend, budgetMs = 150): Promise<Speeds> {
  const n = MATMUL_N, len = ADD_LENGTH;
  const speed = async (cls: OpClass, opType: string, dims: number[], work: number) => {
    const long = await medianMs(backend, chain(opType, dims, 1 + CHAIN), budgetMs);
    const short = await medianMs(backend, chain(opType, dims, 1), budgetMs);
    return [`${backend}.${cls}`, CHAIN * work / Math.max(long - short, 1e-3) / 1e6] as const;
  };
  return Object.fromEntries([
    await speed("compute", "MatMul", [n, n], 2 * n * n * n),
    await speed("memory", "Add", [len], len),
  ]);
}

/** y1 = op(a, b), y2 = op(y1, b), …: one input stays, the other flows through. */
function chain(opType: string, dims: number[], length: number): Model {
  const nodes: Node[] = Array.from({ length }, (_, i) => ({
    name: `${opType}_${i}`,
    opType,
    domain: "",
    inputs: [i === 0 ? "a" : `y${i}`, "b"],
    outputs: [`y${i + 1}`],
    attributes: new Map(),
  }));
  return {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "meshrt-calibrate",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: `calibrate_${opType}`,
      nodes,
      inputs: ["a", "b"].map((name) => ({ name, dtype: "float32" as const, dims })),
      outputs: [{ name: `y${length}`, dtype: "float32" }],
      initializers: new Map(),
      valueInfo: new Map(),
    },
  };
}

/** Median ms of one run of `model` on `backend`, after one run that warms it up. */
async function medianMs(backend: WorkerBackend, model: Model, budgetMs: number): Promise<number> {
  const session = await InferenceSession.create(encodeModel(model), {
    executionProviders: [backend],
    graphOptimizationLevel: "disabled",
  });
  try {
    if (session.unavailableProviders.length) {
      throw new Error(`Cannot calibrate "${backend}": ${session.unavailableProviders.join("; ")}`);
    }
    const dims = model.graph.inputs[0].dims as number[];
    const size = dims.reduce((a, b) => a * b, 1);
    const x = new Tensor("float32", new Float32Array(size).fill(0.5), dims);
    const feeds = { a: x, b: x };
    await session.run(feeds);
    const samples: number[] = [];
    const until = performance.now() + budgetMs;
    do {
      const start = performance.now();
      await session.run(feeds);
      samples.push(performance.now() - start);
    } while (performance.now() < until || samples.length < 3);
    samples.sort((x, y) => x - y);
    return Math.max(samples[samples.length >> 1], 1e-3);
  } finally {
    session.release();
  }
}
