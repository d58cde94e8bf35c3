/**
 * Reductions and the ops built on them: Reduce*, ArgMax/ArgMin, Softmax, LogSoftmax,
 * Hardmax, CumSum, TopK, LayerNormalization and Einsum.
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import { type Dim, type Node, sizeOf, type TensorType } from "../ir.ts";
import { attrFloat, attrInt, attrInts, attrString } from "./_attrs.ts";
import { normalizeAxis, productDims, unknownDim } from "./_dims.ts";
import { required } from "./_common.ts";
import {
  defineOp,
  type InputInfo,
  type NodeCost,
  type OpSchema,
  type RuleContext,
} from "./schema.ts";

const FLOATS: readonly DType[] = ["float16", "float32", "float64"];
const INTS: readonly DType[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
];
const NUMBERS: readonly DType[] = [...FLOATS, ...INTS];

type Inputs = readonly (InputInfo | undefined)[];

/** Input `index`, checked against the element types the op takes. */
function typed(inputs: Inputs, ctx: RuleContext<unknown>, allowed: readonly DType[], index = 0) {
  const x = required(inputs, index, ctx);
  if (!allowed.includes(x.dtype)) {
    const detail = `input ${index} has type "${x.dtype}", expected one of ${allowed.join(", ")}`;
    throw new ShapeError(ctx.node.name, ctx.node.opType, detail);
  }
  return x;
}

/**
 * An axis resolved against a rank (negative counts from the end).
 * @throws {ShapeError} when the axis is out of range
 */
export function axisOf(node: Node, axis: number, rank: number): number {
  return normalizeAxis(axis, rank) ?? axisError(node, axis, rank);
}

function axisError(node: Node, axis: number, rank: number): never {
  throw new ShapeError(node.name, node.opType, `axis ${axis} is out of range for rank ${rank}`);
}

/** Cost of ops that touch each input element about `flops` times. */
function perInput(flops: number) {
  return (inputs: readonly TensorType[]): NodeCost => {
    const n = inputs[0].dims ? productDims(inputs[0].dims) : 0;
    return { flops: typeof n === "number" ? flops * n : 0 };
  };
}

/** Dims after reducing `axes` (undefined: not known yet). */
function reducedDims(dims: readonly Dim[], axes: number[] | undefined, keep: boolean) {
  if (!axes) return keep ? dims.map(() => unknownDim()) : undefined;
  return keep
    ? dims.map((d, i) => (axes.includes(i) ? 1 : d))
    : dims.filter((_, i) => !axes.includes(i));
}

/** Attributes of a Reduce* node; `axes` is undefined where they come as input 1. */
export interface ReduceParams {
  keepdims: boolean;
  noopWithEmptyAxes: boolean;
  axes?: number[];
}

/**
 * The sorted axes a Reduce* node reduces: empty axes mean all of them, or none with
 * noop_with_empty_axes. Undefined while the axes input is unknown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "r", opType: "ReduceSum", domain: "", inputs: ["x"], outputs: ["y"],
 *   attributes: new Map() };
 * const params = { keepdims: true, noopWithEmptyAxes: false, axes: [-1, 0] };
 * assert.deepEqual(reducedAxes(node, params, 3), [0, 2]);
 * ```
 */
export function reducedAxes(
  node: Node,
  params: ReduceParams,
  rank: number,
  axesInput?: Pick<InputInfo, "values">,
): number[] | undefined {
  const given = params.axes ?? (axesInput ? axesInput.values() : []);
  if (!given) return undefined;
  if (given.length === 0) return params.noopWithEmptyAxes ? [] : [...Array(rank).keys()];
  return [...new Set(given.map((a) => axisOf(node, a, rank)))].sort((a, b) => a - b);
}

function reduceOp(opType: string, axesInputSince: number, types: readonly DType[]) {
  return defineOp<ReduceParams>({
    opType,
    prepare: (node, opset) => ({
      keepdims: attrInt(node, "keepdims", 1) !== 0,
      noopWithEmptyAxes: attrInt(node, "noop_with_empty_axes", 0) !== 0,
      axes: opset < axesInputSince ? attrInts(node, "axes", []) : undefined,
    }),
    infer: (inputs, ctx) => {
      const x = typed(inputs, ctx, types);
      if (!x.dims) return [{ dtype: x.dtype }];
      const axes = reducedAxes(ctx.node, ctx.params, x.dims.length, inputs[1]);
      return [{ dtype: x.dtype, dims: reducedDims(x.dims, axes, ctx.params.keepdims) }];
    },
    cost: perInput(1),
  });
}

/** Attributes of ArgMax and ArgMin. */
export interface ArgParams {
  axis: number;
  keepdims: boolean;
  selectLast: boolean;
}

function argOp(opType: string) {
  return defineOp<ArgParams>({
    opType,
    prepare: (node) => ({
      axis: attrInt(node, "axis", 0),
      keepdims: attrInt(node, "keepdims", 1) !== 0,
      selectLast: attrInt(node, "select_last_index", 0) !== 0,
    }),
    infer: (inputs, ctx) => {
      const x = typed(inputs, ctx, NUMBERS);
      if (!x.dims) return [{ dtype: "int64" }];
      const axis = axisOf(ctx.node, ctx.params.axis, x.dims.length);
      if (x.dims[axis] === 0) {
        throw new ShapeError(ctx.node.name, opType, `axis ${axis} is empty`);
      }
      return [{ dtype: "int64", dims: reducedDims(x.dims, [axis], ctx.params.keepdims) }];
    },
    cost: perInput(1),
  });
}

/** Softmax-family attributes: before opset 13 the input is seen as 2-D, split at `axis`. */
export interface SoftmaxParams {
  axis: number;
  flatten: boolean;
}

/**
 * The [outer, n, inner] block a Softmax-family node works on.
 * @throws {ShapeError} when the axis is out of range
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "s", opType: "Softmax", domain: "", inputs: ["x"], outputs: ["y"],
 *   attributes: new Map() };
 * assert.deepEqual(softmaxBlock(node, { axis: 1, flatten: true }, [2, 3, 4]), [2, 12, 1]);
 * assert.deepEqual(softmaxBlock(node, { axis: 1, flatten: false }, [2, 3, 4]), [2, 3, 4]);
 * ```
 */
export function softmaxBlock(node: Node, params: SoftmaxParams, dims: readonly number[]) {
  if (!params.flatten) return axisBlock(dims, axisOf(node, params.axis, dims.length));
  const axis = params.axis < 0 ? params.axis + dims.length : params.axis;
  if (axis < 0 || axis > dims.length) axisError(node, params.axis, dims.length);
  return [sizeOf(dims.slice(0, axis)), sizeOf(dims.slice(axis)), 1] as const;
}

/** [elements before `axis`, its size, elements after]: the layout of one-axis kernels. */
export function axisBlock(
  dims: readonly number[],
  axis: number,
): readonly [number, number, number] {
  return [sizeOf(dims.slice(0, axis)), dims[axis], sizeOf(dims.slice(axis + 1))];
}

function softmaxOp(opType: string) {
  return defineOp<SoftmaxParams>({
    opType,
    prepare: (node, opset) => ({
      axis: attrInt(node, "axis", opset < 13 ? 1 : -1),
      flatten: opset < 13,
    }),
    infer: (inputs, ctx) => {
      const x = typed(inputs, ctx, FLOATS);
      // Only the axis is checked here, so any dims of the right rank do.
      if (x.dims) softmaxBlock(ctx.node, ctx.params, x.dims.map(() => 1));
      return [{ dtype: x.dtype, dims: x.dims }];
    },
    cost: perInput(opType === "Hardmax" ? 1 : 5),
  });
}

/** CumSum's flags; the axis comes as input 1. */
export interface CumSumParams {
  exclusive: boolean;
  reverse: boolean;
}

const CumSum = defineOp<CumSumParams>({
  opType: "CumSum",
  prepare: (node) => ({
    exclusive: attrInt(node, "exclusive", 0) !== 0,
    reverse: attrInt(node, "reverse", 0) !== 0,
  }),
  infer: (inputs, ctx) => {
    const x = typed(inputs, ctx, NUMBERS);
    const axis = typed(inputs, ctx, ["int32", "int64"], 1).values();
    if (x.dims && axis) axisOf(ctx.node, axis[0], x.dims.length);
    return [{ dtype: x.dtype, dims: x.dims }];
  },
  cost: perInput(1),
});

/** TopK's attributes; `k` is set only before opset 10, later it is input 1. */
export interface TopKParams {
  k?: number;
  axis: number;
  largest: boolean;
}

const TopK = defineOp<TopKParams>({
  opType: "TopK",
  prepare: (node, opset) => ({
    k: opset < 10 ? attrInt(node, "k", 0) : undefined,
    axis: attrInt(node, "axis", -1),
    largest: attrInt(node, "largest", 1) !== 0,
  }),
  infer: (inputs, ctx) => {
    const x = typed(inputs, ctx, NUMBERS);
    const k = ctx.params.k ?? typed(inputs, ctx, ["int64"], 1).values()?.[0];
    if (!x.dims) return [{ dtype: x.dtype }, { dtype: "int64" }];
    const axis = axisOf(ctx.node, ctx.params.axis, x.dims.length);
    const n = x.dims[axis];
    if (k !== undefined && (k < 0 || (typeof n === "number" && k > n))) {
      throw new ShapeError(ctx.node.name, "TopK", `k ${k} is out of range for axis size ${n}`);
    }
    const dims = x.dims.map((d, i) => (i === axis ? k ?? unknownDim() : d));
    return [{ dtype: x.dtype, dims }, { dtype: "int64", dims }];
  },
  cost: perInput(2),
});

/** LayerNormalization's attributes. */
export interface LayerNormParams {
  axis: number;
  epsilon: number;
}

const LayerNormalization = defineOp<LayerNormParams>({
  opType: "LayerNormalization",
  prepare: (node) => {
    const stash = attrInt(node, "stash_type", 1);
    if (stash !== 1) {
      throw new ShapeError(node.name, node.opType, `stash_type ${stash} is not supported`);
    }
    return { axis: attrInt(node, "axis", -1), epsilon: attrFloat(node, "epsilon", 1e-5) };
  },
  infer: (inputs, ctx) => {
    const x = typed(inputs, ctx, FLOATS);
    const scale = typed(inputs, ctx, [x.dtype], 1);
    const bias = inputs[2] && typed(inputs, ctx, [x.dtype], 2);
    const stat = (dims?: Dim[]): TensorType => ({ dtype: "float32", dims });
    if (!x.dims) return [{ dtype: x.dtype }, stat(), stat()].slice(0, ctx.node.outputs.length);
    const xd = x.dims, axis = axisOf(ctx.node, ctx.params.axis, xd.length);
    for (const p of [scale, bias]) if (p?.dims) checkBroadcastsTo(ctx.node, p.dims, xd);
    const statDims = xd.map((d, i) => (i < axis ? d : 1));
    const types = [{ dtype: x.dtype, dims: xd }, stat(statDims), stat(statDims)];
    return types.slice(0, ctx.node.outputs.length);
  },
  cost: perInput(8),
});

/** Throws unless `from` broadcasts to `to` without changing it (numpy rules). */
function checkBroadcastsTo(node: Node, from: readonly Dim[], to: readonly Dim[]): void {
  const off = to.length - from.length;
  const ok = off >= 0 &&
    from.every((d, i) =>
      d === 1 || d === to[i + off] || typeof d !== "number" || typeof to[i + off] !== "number"
    );
  if (!ok) {
    throw new ShapeError(node.name, node.opType, `shape [${from}] does not broadcast to [${to}]`);
  }
}

/** An Einsum equation: each operand's labels ("..." for the ellipsis) and the output's. */
export interface EinsumParams {
  terms: string[][];
  /** Undefined in implicit mode (no "->"). */
  output?: string[];
}

function parseTerm(node: Node, term: string): string[] {
  const labels = term.match(/\.\.\.|[a-zA-Z]|./g) ?? [];
  const bad = labels.find((l) => l !== "..." && !/^[a-zA-Z]$/.test(l));
  if (bad !== undefined || labels.filter((l) => l === "...").length > 1) {
    throw new ShapeError(node.name, "Einsum", `equation term "${term}" is malformed`);
  }
  return labels;
}

function parseEquation(node: Node): EinsumParams {
  const eq = attrString(node, "equation", "").replace(/\s/g, "");
  const [lhs, rhs, ...rest] = eq.split("->");
  if (rest.length) throw new ShapeError(node.name, "Einsum", `equation "${eq}" is malformed`);
  const terms = lhs.split(",").map((t) => parseTerm(node, t));
  return { terms, output: rhs === undefined ? undefined : parseTerm(node, rhs) };
}

/** An Einsum with ellipses expanded: every operand's labels, the output's, each size. */
export interface EinsumShape {
  terms: string[][];
  output: string[];
  sizes: Map<string, Dim>;
}

/**
 * Expands ellipses against the operands' dims and sizes every label. Ellipsis dims align
 * to the right across operands and broadcast, as do size-1 dims.
 * @throws {ShapeError} on operands that do not fit the equation
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "e", opType: "Einsum", domain: "", inputs: ["a", "b"], outputs: ["y"],
 *   attributes: new Map() };
 * const shape = einsumShape(node, { terms: [["i", "j"], ["j", "k"]] }, [[2, 3], [3, 4]]);
 * assert.deepEqual(shape.output, ["i", "k"]);
 * ```
 */
export function einsumShape(node: Node, params: EinsumParams, dims: readonly Dim[][]): EinsumShape {
  const fail = (detail: string): never => {
    throw new ShapeError(node.name, "Einsum", detail);
  };
  if (dims.length !== params.terms.length) {
    fail(`${dims.length} operands for ${params.terms.length} terms`);
  }
  const extra = params.terms.map((t, i) => dims[i].length - t.filter((l) => l !== "...").length);
  const e = Math.max(0, ...extra);
  const ellipsis = (n: number) => Array.from({ length: n }, (_, j) => `...${e - n + j}`);
  const terms = params.terms.map((t, i) => {
    if (extra[i] < 0 || (extra[i] > 0 && !t.includes("..."))) {
      fail(`operand ${i} has rank ${dims[i].length}`);
    }
    return t.flatMap((l) => (l === "..." ? ellipsis(extra[i]) : [l]));
  });
  const sizes = new Map<string, Dim>();
  terms.forEach((t, i) =>
    t.forEach((l, p) => sizes.set(l, mergeSize(sizes.get(l), dims[i][p], l, fail)))
  );
  const output = params.output?.flatMap((l) => (l === "..." ? ellipsis(e) : [l])) ??
    implicitOutput(terms, e);
  if (new Set(output).size !== output.length || output.some((l) => !sizes.has(l))) {
    fail(`output labels "${output.join("")}" are repeated or missing from the operands`);
  }
  return { terms, output, sizes };
}

/** The output numpy infers: ellipsis dims, then labels seen once, in character order. */
function implicitOutput(terms: string[][], ellipsisRank: number): string[] {
  const all = terms.flat();
  const once = [...new Set(all)].filter((l) =>
    !l.startsWith(".") && all.indexOf(l) === all.lastIndexOf(l)
  );
  return [...Array.from({ length: ellipsisRank }, (_, j) => `...${j}`), ...once.sort()];
}

function mergeSize(a: Dim | undefined, b: Dim, label: string, fail: (d: string) => never): Dim {
  if (a === undefined || a === 1 || a === b) return b;
  if (b === 1) return a;
  if (typeof a === "number" && typeof b === "number") {
    fail(`label "${label}" has sizes ${a} and ${b}`);
  }
  return typeof a === "number" ? a : b;
}

const Einsum = defineOp<EinsumParams>({
  opType: "Einsum",
  prepare: parseEquation,
  infer: (inputs, ctx) => {
    const xs = inputs.map((_, i) => typed(inputs, ctx, NUMBERS, i));
    const dtype = xs[0].dtype;
    if (xs.some((x) => x.dtype !== dtype)) {
      throw new ShapeError(ctx.node.name, "Einsum", "operands differ in element type");
    }
    if (xs.some((x) => !x.dims)) return [{ dtype }];
    const shape = einsumShape(ctx.node, ctx.params, xs.map((x) => x.dims!));
    return [{ dtype, dims: shape.output.map((l) => shape.sizes.get(l)!) }];
  },
  cost: (inputs, _outputs, ctx) => {
    if (inputs.some((x) => !x.dims)) return { flops: 0 };
    const shape = einsumShape(ctx.node, ctx.params, inputs.map((x) => x.dims!));
    const n = productDims([...shape.sizes.values()]);
    return { flops: typeof n === "number" ? 2 * n : 0 };
  },
});

const REDUCE_TYPES: readonly DType[] = [...NUMBERS, "bool"];

/** Schemas of the reduce family. */
export const REDUCE_OPS: readonly OpSchema<unknown>[] = [
  reduceOp("ReduceSum", 13, NUMBERS),
  ...[
    "ReduceMean",
    "ReduceProd",
    "ReduceL1",
    "ReduceL2",
    "ReduceSumSquare",
    "ReduceLogSum",
    "ReduceLogSumExp",
  ].map((op) => reduceOp(op, 18, NUMBERS)),
  ...["ReduceMax", "ReduceMin"].map((op) => reduceOp(op, 18, REDUCE_TYPES)),
  argOp("ArgMax"),
  argOp("ArgMin"),
  ...["Softmax", "LogSoftmax", "Hardmax"].map(softmaxOp),
  CumSum,
  TopK,
  LayerNormalization,
  Einsum,
];
