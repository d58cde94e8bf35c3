/**
 * Constant and the control-flow ops (If, Loop), whose outputs come from nested graphs.
 * The executor runs them itself; these schemas give their static types.
 * @module
 */
import type { DType, TypedArray } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Dim, HostTensor, Node, TensorType } from "../ir.ts";
import { attrGraph } from "./_attrs.ts";
import { unknownDim } from "./_dims.ts";
import { defineOp, noParams, type OpSchema } from "./schema.ts";

/**
 * The value a Constant node holds, from whichever attribute carries it.
 * @throws {ShapeError} when no supported value attribute is set
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "c", opType: "Constant", domain: "", inputs: [], outputs: ["y"],
 *   attributes: new Map([["value_ints", { kind: "ints" as const, value: [1, 2] }]]) };
 * assert.deepEqual(constantValue(node).dims, [2]);
 * ```
 */
export function constantValue(node: Node): HostTensor {
  for (const [name, a] of node.attributes) {
    switch (a.kind) {
      case "tensor":
        if (name === "value") return a.value;
        break;
      case "float":
        return host("float32", [], new Float32Array([a.value]));
      case "floats":
        return host("float32", [a.value.length], new Float32Array(a.value));
      case "int":
        return host("int64", [], new BigInt64Array([BigInt(a.value)]));
      case "ints":
        return host("int64", [a.value.length], new BigInt64Array(a.value.map(BigInt)));
    }
  }
  throw new ShapeError(node.name, "Constant", "it has no supported value attribute");
}

function host(dtype: DType, dims: number[], data: TypedArray): HostTensor {
  return { dtype, dims, data };
}

const Constant = defineOp({
  opType: "Constant",
  prepare: (node) => constantValue(node),
  infer: (_inputs, { params }) => [{ dtype: params.dtype, dims: params.dims }],
});

const If = defineOp({
  opType: "If",
  prepare: (node) => ({
    then: attrGraph(node, "then_branch"),
    else: attrGraph(node, "else_branch"),
  }),
  infer: (_inputs, { params }) =>
    params.then.outputs.map((o, i): TensorType => {
      const other = params.else.outputs[i];
      const same = other?.dims && o.dims && other.dims.length === o.dims.length;
      return {
        dtype: o.dtype,
        dims: same ? o.dims!.map((d, k) => (other.dims![k] === d ? d : unknownDim())) : undefined,
      };
    }),
});

const Loop = defineOp({
  opType: "Loop",
  prepare: (node) => attrGraph(node, "body"),
  infer: (inputs, { params: body }) => {
    const carried = inputs.slice(2).map((x): TensorType => ({ dtype: x!.dtype, dims: x!.dims }));
    const scans = body.outputs.slice(1 + carried.length).map((o): TensorType => ({
      dtype: o.dtype,
      dims: o.dims ? [unknownDim() as Dim, ...o.dims] : undefined,
    }));
    return [...carried, ...scans];
  },
});

/** Schemas of the control-flow family. */
export const CONTROL_FLOW_OPS: readonly OpSchema<unknown>[] = [
  Constant,
  If,
  Loop,
  {
    ...defineOp({ opType: "Identity", prepare: noParams, infer: (i) => [{ ...i[0]! }] }),
    alias: 0,
  },
];
