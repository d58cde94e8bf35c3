/**
 * Shape-subgraph folding: Shape and Size of values whose dims are known statically become
 * constants, and so do Gather and Slice picking only known dims out of a Shape even when
 * other dims are symbolic (a batch "N"). Constant folding then folds what reads them.
 * @module
 */
import type { Dim, HostTensor, Node } from "../ir.ts";
import { ShapeError } from "../errors.ts";
import { attrInt, attrInts } from "../ops/_attrs.ts";
import { isConcrete } from "../ops/_dims.ts";
import { shapeRange } from "../ops/movement_shape.ts";
import { slicePlan } from "../ops/movement_layout.ts";
import { hostTensor, numbersOf } from "./_host.ts";
import type { GraphView, Patch } from "./rule.ts";

/**
 * Replaces a shape computation by its value when the dims it reads are known.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeGraphForTest } from "./_testing.ts";
 * import { eliminateDead } from "./eliminate_dead.ts";
 * const g = optimizeGraphForTest([foldShapes, eliminateDead], {
 *   inputs: { x: ["N", 3, 8] }, outputs: ["y"],
 *   nodes: [["Shape", ["x"], ["s"]], ["Gather", ["s", "i"], ["d"]], ["Reshape", ["x", "d"], ["y"]]],
 *   initializers: { i: { dtype: "int64", dims: [1], data: new BigInt64Array([2n]) } },
 * });
 * assert.deepEqual(g.nodes.map((n) => n.opType), ["Reshape"]);
 * ```
 */
export function foldShapes(graph: GraphView, node: Node): Patch | null {
  if (node.domain !== "" || graph.isOutput(node.outputs[0])) return null;
  const value = shapeValue(graph, node);
  if (!value) return null;
  return { remove: [node], constants: new Map([[node.outputs[0], value]]) };
}

function shapeValue(graph: GraphView, node: Node): HostTensor | undefined {
  switch (node.opType) {
    case "Shape": {
      const dims = shapeOf(graph, node);
      return dims && isConcrete(dims) ? hostTensor("int64", [dims.length], dims) : undefined;
    }
    case "Size": {
      const dims = graph.type(node.inputs[0])?.dims;
      if (!dims || !isConcrete(dims)) return undefined;
      return hostTensor("int64", [], [dims.reduce((a, b) => a * b, 1)]);
    }
    case "Gather":
      return gatheredDims(graph, node);
    case "Slice":
      return slicedDims(graph, node);
  }
  return undefined;
}

/** The dims a Shape node reports, symbolic ones included, when its input's rank is known. */
function shapeOf(graph: GraphView, shape: Node): Dim[] | undefined {
  const dims = graph.type(shape.inputs[0])?.dims;
  if (!dims) return undefined;
  const [start, end] = shapeRange(
    { start: attrInt(shape, "start", 0), end: attrInt(shape, "end") },
    dims.length,
  );
  return dims.slice(start, end);
}

/** The dims a Shape node reports, when `name` is one's output. */
function shapeVector(graph: GraphView, name: string): Dim[] | undefined {
  const p = graph.producer(name);
  return p?.opType === "Shape" && p.domain === "" ? shapeOf(graph, p) : undefined;
}

/** Gather along axis 0 of a shape, at constant indices that hit known dims only. */
function gatheredDims(graph: GraphView, node: Node): HostTensor | undefined {
  const vector = shapeVector(graph, node.inputs[0]);
  const indices = graph.constant(node.inputs[1]);
  const axis = attrInt(node, "axis", 0);
  if (!vector || !indices || (axis !== 0 && axis !== -1)) return undefined;
  const picked = numbersOf(indices).map((i) => vector[i < 0 ? i + vector.length : i]);
  if (picked.some((d) => typeof d !== "number")) return undefined;
  return hostTensor("int64", indices.dims, picked as number[]);
}

/** Slice of a shape with constant bounds that keeps known dims only. */
function slicedDims(graph: GraphView, node: Node): HostTensor | undefined {
  const vector = shapeVector(graph, node.inputs[0]);
  if (!vector) return undefined;
  const attrs = graph.opset < 10
    ? {
      starts: attrInts(node, "starts", []),
      ends: attrInts(node, "ends", []),
      axes: attrInts(node, "axes"),
    }
    : undefined;
  const values = (i: number) => {
    const name = node.inputs[i];
    if (!name) return null;
    const c = graph.constant(name);
    return c && numbersOf(c);
  };
  let plan;
  try {
    plan = slicePlan({ node }, attrs, [vector.length], values);
  } catch (e) {
    if (e instanceof ShapeError) return undefined;
    throw e;
  }
  if (!plan) return undefined;
  const count = plan.dims[0] as number;
  const picked = Array.from(
    { length: count },
    (_, k) => vector[plan.starts[0] + k * plan.steps[0]],
  );
  return isConcrete(picked) ? hostTensor("int64", [count], picked) : undefined;
}
