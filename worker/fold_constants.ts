/**
 * The constant evaluator the graph optimizer folds with: each node runs alone, as a
 * one-node graph, through a scratch executor with its own kernels instance and arena, so
 * folding uses exactly the kernels inference uses and leaves no trace in a session's memory.
 * The instance is made on the first node folded, so a model with nothing to fold costs none.
 * @module
 */
import { typedAlloc } from "../graph/dtype.ts";
import { ShapeError, UnsupportedOpError } from "../graph/errors.ts";
import type { Graph, HostTensor, Node } from "../graph/ir.ts";
import type { ConstantEvaluator } from "../graph/optimize/rule.ts";
import { compileKernels, Kernels } from "../kernels/mod.ts";
import { Arena } from "./engine/arena.ts";
import { Executor } from "./engine/executor.ts";
import { planGraph } from "./engine/plan.ts";
import type { RuntimeTensor } from "./engine/runtime_tensor.ts";
import { Scope } from "./engine/scope.ts";
import { ExecutionError } from "./errors.ts";

/**
 * A constant evaluator over a fresh kernels instance.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const evaluate = await createConstantEvaluator();
 * const relu = { name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() };
 * const [y] = evaluate(relu, [{ dtype: "float32", dims: [2], data: new Float32Array([-1, 2]) }], 17)!;
 * assert.deepEqual(Array.from(y!.data as Float32Array), [0, 2]);
 * ```
 */
export async function createConstantEvaluator(): Promise<ConstantEvaluator> {
  const { module, relaxed } = await compileKernels();
  let executor: Executor | undefined;
  return (node, inputs, opset) => {
    if (!executor) {
      const kernels = new Kernels(new WebAssembly.Instance(module, {}), relaxed);
      executor = new Executor(kernels, new Arena(kernels.memory, kernels.heapBase));
    }
    return evaluate(executor, node, inputs, opset);
  };
}

function evaluate(
  executor: Executor,
  node: Node,
  inputs: readonly (HostTensor | undefined)[],
  opset: number,
): (HostTensor | undefined)[] | undefined {
  const scope = new Scope();
  try {
    const plan = planGraph(oneNodeGraph(node, inputs), opset);
    node.inputs.forEach((name, i) => {
      const t = inputs[i];
      if (name !== "" && t && !scope.values.has(name)) {
        scope.values.set(name, executor.upload(t.dtype, t.dims, t.data));
      }
    });
    executor.run(plan, scope);
    return node.outputs.map((
      name,
    ) => (name === "" ? undefined : download(executor, scope.get(name)!)));
  } catch (e) {
    // The node then stays in the graph, and fails (or not, if never reached) when it runs.
    if (e instanceof UnsupportedOpError || e instanceof ShapeError || e instanceof ExecutionError) {
      return undefined;
    }
    throw e;
  } finally {
    for (const t of scope.values.values()) executor.release(t);
  }
}

/** A graph running `node` alone, its inputs fed. */
function oneNodeGraph(node: Node, inputs: readonly (HostTensor | undefined)[]): Graph {
  const fed = new Map<string, HostTensor>();
  node.inputs.forEach((name, i) => {
    if (name !== "" && inputs[i]) fed.set(name, inputs[i]);
  });
  return {
    name: `fold_${node.name}`,
    nodes: [node],
    inputs: [...fed].map(([name, t]) => ({ name, dtype: t.dtype, dims: t.dims })),
    outputs: node.outputs.filter((o) => o !== "").map((name) => ({ name, dtype: "float32" })),
    initializers: new Map(),
    valueInfo: new Map(),
  };
}

function download(executor: Executor, t: RuntimeTensor): HostTensor {
  const data = typedAlloc(t.dtype, t.size);
  const bytes = new Uint8Array(executor.kernels.memory.buffer, t.ptr, t.byteLength);
  new Uint8Array(data.buffer).set(bytes);
  return { dtype: t.dtype, dims: [...t.dims], data };
}
