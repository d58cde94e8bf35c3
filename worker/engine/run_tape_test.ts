import assert from "node:assert/strict";
import type { Graph } from "../../graph/ir.ts";
import { loadKernels } from "../../kernels/mod.ts";
import { ExecutionError } from "../errors.ts";
import { Arena } from "./arena.ts";
import { Executor, Scope } from "./executor.ts";
import { node } from "./_test_models.ts";

/**
 * y = Gather(Reshape(Relu(x), [-1, 2]), idx) · w; b, the reshaped value, as a second output
 * (an alias of a value the graph made); and a flattened as a third (so the first stretch
 * leaves a's block to the second held twice). The Constant node w, which the executor runs
 * itself, parts the nodes into two stretches: Relu and Reshape, then Gather, Mul, Reshape.
 */
const GRAPH: Graph = {
  name: "run_tape",
  nodes: [
    node("Relu", ["x"], ["a"]),
    node("Reshape", ["a", "shape"], ["b"]),
    node("Constant", [], ["w"], {
      value: {
        kind: "tensor",
        value: { dtype: "float32", dims: [2], data: new Float32Array([0.5, -2]) },
      },
    }),
    node("Gather", ["b", "idx"], ["g"]),
    node("Mul", ["g", "w"], ["y"]),
    node("Reshape", ["a", "flat"], ["aFlat"]),
  ],
  inputs: [
    { name: "x", dtype: "float32", dims: ["N", 3] },
    { name: "idx", dtype: "int64", dims: [2] },
  ],
  outputs: [
    { name: "y", dtype: "float32" },
    { name: "b", dtype: "float32" },
    { name: "aFlat", dtype: "float32" },
  ],
  initializers: new Map([
    ["shape", { dtype: "int64", dims: [2], data: new BigInt64Array([-1n, 2n]) }],
    ["flat", { dtype: "int64", dims: [1], data: new BigInt64Array([-1n]) }],
  ]),
  valueInfo: new Map(),
};

/** The graph's outputs computed here, as the oracle. */
function expected(x: number[], idx: number[]): { y: number[]; b: number[] } {
  const b = x.map((v) => Math.max(v, 0));
  const y = idx.flatMap((i) => [b[2 * i] * 0.5, b[2 * i + 1] * -2]);
  return { y, b };
}

async function setup() {
  const kernels = await loadKernels();
  const arena = new Arena(kernels.memory, kernels.heapBase);
  const executor = new Executor(kernels, arena);
  const plan = executor.plan(GRAPH, 13);
  const run = (x: number[], idx: number[]) => {
    const scope = new Scope();
    scope.values.set("x", executor.upload("float32", [x.length / 3, 3], new Float32Array(x)));
    scope.values.set("idx", executor.upload("int64", [2], new BigInt64Array(idx.map(BigInt))));
    try {
      executor.run(plan, scope);
      // b and aFlat share a's block: it counts both.
      for (const t of scope.values.values()) {
        const holders = [...scope.values.values()].filter((u) => u.buffer === t.buffer).length;
        assert.equal(t.buffer.refs, holders, "a block counts the values that hold it");
      }
      const read = (name: string) =>
        Array.from(scope.get(name)!.view(kernels.memory) as Float32Array);
      return { y: read("y"), b: read("b") };
    } finally {
      executor.releaseScope(scope);
    }
  };
  // The weights and constants, uploaded by the first run, stay; nothing else may. The
  // Constant's value is uploaded after the first stretch ran: the second run's first stretch
  // starts elsewhere in the arena, so its node tapes are recorded again.
  for (let i = 0; i < 2; i++) run([1, 2, 3, 4, 5, 6], [0, 1]);
  /** The run tapes of the two stretches. */
  const runTapes = () => [0, 3].map((start) => plan.stretches?.get(start)?.tape);
  /** Whether both stretches replayed the tapes they had before (a recording makes new ones). */
  const replayed = (before: ReturnType<typeof runTapes>) =>
    runTapes().every((t, i) => t !== undefined && t === before[i]);
  return { kernels, arena, run, runTapes, replayed, weights: arena.inUse };
}

function data(n: number, seed: number): number[] {
  return Array.from({ length: 3 * n }, (_, i) => Math.fround(Math.sin(i * 1.7 + seed) * 4));
}

Deno.test("stretches of a graph run again as before replay their run tapes, with new data", async () => {
  const { kernels, arena, run, runTapes, replayed, weights } = await setup();
  try {
    for (let seed = 0; seed < 4; seed++) {
      const x = data(2, seed), idx = [seed % 3, (seed + 1) % 3];
      const before = runTapes();
      assert.deepEqual(run(x, idx), expected(x, idx));
      assert.equal(replayed(before), seed > 0, `run ${seed} replayed the run tapes`);
      assert.equal(arena.inUse, weights, "the run left no block taken");
    }
  } finally {
    kernels.close();
  }
});

Deno.test("a run of other shapes runs the nodes, and the shapes before replay again", async () => {
  const { kernels, arena, run, runTapes, replayed, weights } = await setup();
  try {
    // After a change of shapes, the first run records node tapes, the second a run tape,
    // and the third replays it.
    const sizes = [2, 2, 2, 4, 4, 4, 2, 2, 2];
    const replays = [false, true, true, false, false, true, false, false, true];
    sizes.forEach((n, i) => {
      const x = data(n, i), idx = [n - 1, 0];
      const before = runTapes();
      assert.deepEqual(run(x, idx), expected(x, idx));
      assert.equal(arena.inUse, weights);
      assert.equal(replayed(before), replays[i], `run ${i}`);
    });
  } finally {
    kernels.close();
  }
});

Deno.test("a kernel that fails in a replayed run names its node and takes no block", async () => {
  const { kernels, arena, run, runTapes, weights } = await setup();
  try {
    const x = data(2, 1);
    run(x, [0, 1]);
    assert.ok(runTapes().every((t) => t));
    assert.throws(() => run(x, [0, 7]), (e) => e instanceof ExecutionError && e.nodeName === "g");
    assert.equal(arena.inUse, weights);
    assert.deepEqual(run(x, [2, 1]), expected(x, [2, 1]));
  } finally {
    kernels.close();
  }
});
