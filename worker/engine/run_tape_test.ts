import assert from "node:assert/strict";
import type { Graph } from "../../graph/ir.ts";
import { loadKernels } from "../../kernels/mod.ts";
import { ExecutionError } from "../errors.ts";
import { Arena } from "./arena.ts";
import { Executor, Scope } from "./executor.ts";
import { node } from "./_test_models.ts";

/**
 * y = Gather(Reshape(Relu(x), [-1, 2]), idx) · w, and the reshaped value b as a second
 * output (an alias of a value the graph made).
 */
const GRAPH: Graph = {
  name: "run_tape",
  nodes: [
    node("Relu", ["x"], ["a"]),
    node("Reshape", ["a", "shape"], ["b"]),
    node("Gather", ["b", "idx"], ["g"]),
    node("Mul", ["g", "w"], ["y"]),
  ],
  inputs: [
    { name: "x", dtype: "float32", dims: ["N", 3] },
    { name: "idx", dtype: "int64", dims: [2] },
  ],
  outputs: [{ name: "y", dtype: "float32" }, { name: "b", dtype: "float32" }],
  initializers: new Map([
    ["shape", { dtype: "int64", dims: [2], data: new BigInt64Array([-1n, 2n]) }],
    ["w", { dtype: "float32", dims: [2], data: new Float32Array([0.5, -2]) }],
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
      const read = (name: string) =>
        Array.from(scope.get(name)!.view(kernels.memory) as Float32Array);
      return { y: read("y"), b: read("b") };
    } finally {
      executor.releaseScope(scope);
    }
  };
  // The weights and constants, uploaded by the first run, stay; nothing else may.
  run([1, 2, 3, 4, 5, 6], [0, 1]);
  return { kernels, arena, plan, run, weights: arena.inUse };
}

function data(n: number, seed: number): number[] {
  return Array.from({ length: 3 * n }, (_, i) => Math.fround(Math.sin(i * 1.7 + seed) * 4));
}

Deno.test("a graph run again as before replays its run tape, with new data", async () => {
  const { kernels, arena, plan, run, weights } = await setup();
  try {
    for (let seed = 0; seed < 4; seed++) {
      const x = data(2, seed), idx = [seed % 3, (seed + 1) % 3];
      const taped = plan.runTape;
      assert.deepEqual(run(x, idx), expected(x, idx));
      if (seed > 0) {
        assert.ok(taped, "the run before left a run tape");
        assert.equal(plan.runTape, taped, "the run replayed the tape rather than recording");
      }
      assert.equal(arena.inUse, weights, "the run left no block taken");
    }
  } finally {
    kernels.close();
  }
});

Deno.test("a run of other shapes runs the nodes, and the shapes before replay again", async () => {
  const { kernels, arena, plan, run, weights } = await setup();
  try {
    // After a change of shapes, the first run records node tapes, the second a run tape,
    // and the third replays it.
    const sizes = [2, 2, 2, 4, 4, 4, 2, 2, 2];
    const replays = [false, true, true, false, false, true, false, false, true];
    sizes.forEach((n, i) => {
      const x = data(n, i), idx = [n - 1, 0];
      const taped = plan.runTape;
      assert.deepEqual(run(x, idx), expected(x, idx));
      assert.equal(arena.inUse, weights);
      assert.equal(taped !== undefined && plan.runTape === taped, replays[i], `run ${i}`);
    });
  } finally {
    kernels.close();
  }
});

Deno.test("a kernel that fails in a replayed run names its node and takes no block", async () => {
  const { kernels, arena, plan, run, weights } = await setup();
  try {
    const x = data(2, 1);
    run(x, [0, 1]);
    assert.ok(plan.runTape);
    assert.throws(() => run(x, [0, 7]), (e) => e instanceof ExecutionError && e.nodeName === "g");
    assert.equal(arena.inUse, weights);
    assert.deepEqual(run(x, [2, 1]), expected(x, [2, 1]));
  } finally {
    kernels.close();
  }
});
