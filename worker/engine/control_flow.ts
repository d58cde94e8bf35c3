/**
 * If and Loop: run a nested graph in a child scope that sees the enclosing values.
 * @module
 */
import type { Graph, Node } from "../../graph/ir.ts";
import { attrGraph } from "../../graph/ops/_attrs.ts";
import { ShapeError } from "../../graph/errors.ts";
import type { Executor } from "./executor.ts";
import type { RuntimeTensor } from "./runtime_tensor.ts";
import { Scope } from "./scope.ts";

/** Runs the branch that the condition picks; its outputs become the node's. */
export function runIf(
  ex: Executor,
  node: Node,
  inputs: (RuntimeTensor | undefined)[],
  scope: Scope,
  opset: number,
): RuntimeTensor[] {
  const cond = inputs[0]!.numbers(ex.kernels.memory)[0] !== 0;
  const branch = attrGraph(node, cond ? "then_branch" : "else_branch");
  const child = new Scope(scope);
  ex.run(ex.plan(branch, opset), child);
  return takeOutputs(ex, branch, child);
}

/** Runs the body while the trip count and condition allow; stacks its scan outputs. */
export function runLoop(
  ex: Executor,
  node: Node,
  inputs: (RuntimeTensor | undefined)[],
  scope: Scope,
  opset: number,
): RuntimeTensor[] {
  const body = attrGraph(node, "body");
  const memory = ex.kernels.memory;
  const maxTrips = inputs[0] ? inputs[0].numbers(memory)[0] : Infinity;
  let cond = inputs[1] ? inputs[1].numbers(memory)[0] !== 0 : true;
  let carried = inputs.slice(2).map((t) => ex.share(t!));
  const scans: Uint8Array[][] = [];
  let scanTypes: RuntimeTensor[] = [];
  for (let i = 0; i < maxTrips && cond; i++) {
    const child = new Scope(scope);
    const [iterName, condName, ...carriedNames] = body.inputs.map((v) => v.name);
    child.values.set(iterName, ex.upload("int64", [], new BigInt64Array([BigInt(i)])));
    child.values.set(condName, ex.upload("bool", [], new Uint8Array([cond ? 1 : 0])));
    carriedNames.forEach((name, k) => child.values.set(name, carried[k]));
    ex.run(ex.plan(body, opset), child);
    const outs = takeOutputs(ex, body, child);
    cond = outs[0].numbers(memory)[0] !== 0;
    ex.release(outs[0]);
    carried = outs.slice(1, 1 + carried.length);
    const scanOuts = outs.slice(1 + carried.length);
    scanOuts.forEach((t, k) => {
      (scans[k] ??= []).push(new Uint8Array(memory.buffer, t.ptr, t.byteLength).slice());
      ex.release(t);
    });
    scanTypes = scanOuts;
  }
  const stacked = scanTypes.map((t, k) => {
    const parts = scans[k];
    const out = ex.allocate(t.dtype, [parts.length, ...t.dims]);
    const dst = new Uint8Array(memory.buffer, out.ptr, out.byteLength);
    parts.forEach((p, j) => dst.set(p, j * p.length));
    return out;
  });
  if (stacked.length < node.outputs.length - carried.length) {
    throw new ShapeError(
      node.name,
      "Loop",
      "it ran no iteration, so its scan outputs have no shape",
    );
  }
  return [...carried, ...stacked];
}

/** Moves a finished subgraph's outputs out of its scope, one reference each. */
function takeOutputs(ex: Executor, graph: Graph, child: Scope): RuntimeTensor[] {
  return graph.outputs.map((o) => {
    const own = child.values.get(o.name);
    if (own) {
      child.values.delete(o.name);
      return own;
    }
    const outer = child.get(o.name);
    if (!outer) throw new ShapeError(graph.name, "subgraph", `output "${o.name}" has no value`);
    return ex.share(outer);
  });
}
