/**
 * WASM kernel bindings of the reduce family: each works out the [outer, n, inner] blocks
 * (or the einsum loop plan) from the shapes and calls the Rust kernels. float16 tensors
 * are widened to f32 scratch around the call.
 * @module
 */
import { type DType, dtypeBytes } from "../../graph/dtype.ts";
import { sizeOf } from "../../graph/ir.ts";
import {
  type ArgParams,
  axisBlock,
  axisOf,
  type CumSumParams,
  type EinsumParams,
  einsumShape,
  type LayerNormParams,
  reducedAxes,
  type ReduceParams,
  softmaxBlock,
  type SoftmaxParams,
  type TopKParams,
} from "../../graph/ops/reduce.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/** The Rust name suffix of the type a dtype computes in. */
function suffix(dtype: DType): string {
  if (dtype === "float16") return "f32";
  if (dtype === "bool") return "bool";
  return dtype.replace(/^float/, "f").replace(/^uint/, "u").replace(/^int/, "i");
}

/** Bytes per element of the type a dtype computes in. */
function computeBytes(dtype: DType): number {
  return dtype === "float16" ? 4 : dtypeBytes(dtype);
}

/** Runs `body` on pointers where float16 tensors are replaced by f32 scratch copies. */
function staged(
  args: KernelArgs,
  ins: readonly (RuntimeTensor | undefined)[],
  outs: readonly RuntimeTensor[],
  body: (ins: number[], outs: number[]) => void,
): void {
  const { kernels } = args;
  const wide = (t: RuntimeTensor) => args.scratch(t.size * 4);
  const inPtrs = ins.map((t) => {
    if (t?.dtype !== "float16") return t?.ptr ?? 0;
    const p = wide(t);
    kernels.call("reduce_f16_widen", t.ptr, p, t.size);
    return p;
  });
  const outPtrs = outs.map((t) => (t.dtype === "float16" ? wide(t) : t.ptr));
  body(inPtrs, outPtrs);
  outs.forEach((t, i) => {
    if (t.dtype === "float16") kernels.call("reduce_f16_narrow", outPtrs[i], t.ptr, t.size);
  });
}

/** Kernel codes of the folds and finishes (kernels/src/reduce/fold.rs). */
const [SUM, SUM_SQUARE, SUM_ABS, MAX, MIN, PROD, LOG_SUM_EXP] = [0, 1, 2, 3, 4, 5, 6];
const [KEEP, MEAN, SQRT, LN] = [0, 1, 2, 3];

/** Each Reduce* as its first fold, the fold merging partial results, and its finish. */
const REDUCERS: Record<string, readonly [number, number, number]> = {
  ReduceSum: [SUM, SUM, KEEP],
  ReduceMean: [SUM, SUM, MEAN],
  ReduceMax: [MAX, MAX, KEEP],
  ReduceMin: [MIN, MIN, KEEP],
  ReduceProd: [PROD, PROD, KEEP],
  ReduceL1: [SUM_ABS, SUM, KEEP],
  ReduceL2: [SUM_SQUARE, SUM, SQRT],
  ReduceLogSum: [SUM, SUM, LN],
  ReduceLogSumExp: [LOG_SUM_EXP, LOG_SUM_EXP, KEEP],
  ReduceSumSquare: [SUM_SQUARE, SUM, KEEP],
};

/**
 * [outer, n, inner] of each pass: one per run of adjacent reduced axes, innermost first.
 * Size-1 axes drop out; no reduced axis leaves one pass over single elements.
 */
function reducePasses(dims: readonly number[], axes: readonly number[]): number[][] {
  const runs: { size: number; reduced: boolean }[] = [];
  dims.forEach((d, i) => {
    const reduced = axes.includes(i), top = runs.at(-1);
    if (d === 1) return;
    if (top?.reduced === reduced) top.size *= d;
    else runs.push({ size: d, reduced });
  });
  const passes: number[][] = [];
  runs.forEach((run, j) => {
    if (!run.reduced) return;
    const kept = runs.slice(j + 1).filter((r) => !r.reduced).map((r) => r.size);
    passes.unshift([sizeOf(runs.slice(0, j).map((r) => r.size)), run.size, sizeOf(kept)]);
  });
  return passes.length ? passes : [[sizeOf(dims), 1, 1]];
}

function reduce(args: KernelArgs<ReduceParams>): void {
  const { node, params, inputs: [x, axesInput], outputs: [y], kernels } = args;
  const values = () => axesInput!.numbers(kernels.memory);
  const axes = reducedAxes(node, params, x!.dims.length, axesInput && { values })!;
  // With no axes (noop_with_empty_axes) the output equals the input, as the spec says.
  const [first, merge, finish] = axes.length ? REDUCERS[node.opType] : [SUM, SUM, KEEP];
  const count = sizeOf(axes.map((a) => x!.dims[a]));
  const passes = x!.size === 0 ? [[y.size, 0, 1]] : reducePasses(x!.dims, axes);
  staged(args, [x], [y], ([xp], [yp]) => {
    let src = xp;
    passes.forEach(([outer, n, inner], i) => {
      const last = i === passes.length - 1;
      const dst = last ? yp : args.scratch(outer * inner * computeBytes(x!.dtype));
      const fold = i === 0 ? first : merge;
      kernels.call(
        `reduce_${suffix(x!.dtype)}`,
        src,
        dst,
        outer,
        n,
        inner,
        fold,
        last ? finish : KEEP,
        count,
      );
      src = dst;
    });
  });
}

function argReduce(args: KernelArgs<ArgParams>): void {
  const { node, params, inputs: [x], outputs: [y], kernels } = args;
  const block = axisBlock(x!.dims, axisOf(node, params.axis, x!.dims.length));
  const smallest = node.opType === "ArgMin" ? 1 : 0;
  staged(args, [x], [], ([xp]) => {
    kernels.call(
      `argreduce_${suffix(x!.dtype)}`,
      xp,
      y.ptr,
      ...block,
      smallest,
      +params.selectLast,
    );
  });
}

const MODES: Record<string, number> = { Softmax: 0, LogSoftmax: 1, Hardmax: 2 };

function softmax(args: KernelArgs<SoftmaxParams>): void {
  const { node, params, inputs: [x], outputs: [y], kernels } = args;
  const block = softmaxBlock(node, params, x!.dims);
  staged(args, [x], [y], ([xp], [yp]) => {
    const mode = MODES[node.opType];
    if (x!.dtype === "float64") return kernels.call("softmax_f64", xp, yp, ...block, mode);
    const scratch = 2 * block[2];
    kernels.call("softmax_f32", xp, yp, ...block, mode, args.scratch(scratch * 4), scratch);
  });
}

function cumSum(args: KernelArgs<CumSumParams>): void {
  const { node, params, inputs: [x, axis], outputs: [y], kernels } = args;
  const block = axisBlock(x!.dims, axisOf(node, axis!.numbers(kernels.memory)[0], x!.dims.length));
  staged(args, [x], [y], ([xp], [yp]) => {
    kernels.call(
      `cumsum_${suffix(x!.dtype)}`,
      xp,
      yp,
      ...block,
      +params.exclusive,
      +params.reverse,
    );
  });
}

function topK(args: KernelArgs<TopKParams>): void {
  const { node, params, inputs: [x, kInput], outputs: [values, indices], kernels } = args;
  const k = params.k ?? kInput!.numbers(kernels.memory)[0];
  const [outer, n, inner] = axisBlock(x!.dims, axisOf(node, params.axis, x!.dims.length));
  staged(args, [x], [values], ([xp], [vp]) => {
    const order = args.scratch(n * 16); // n (value, index) pairs of at most 16 bytes
    const name = `topk_${suffix(x!.dtype)}`;
    kernels.call(name, xp, vp, indices.ptr, outer, n, inner, k, +params.largest, order);
  });
}

/** A scale or bias as the kernel reads it: rows `step` apart (0: one shared row). */
interface AffineRows {
  ptr: number;
  step: number;
  len: number;
}

/** Contiguous strides of dims. */
function strides(dims: readonly number[]): number[] {
  const out = dims.map(() => 1);
  for (let i = dims.length - 2; i >= 0; i--) out[i] = out[i + 1] * dims[i + 1];
  return out;
}

/** Copies `t` (at `ptr`, computing type of `dtype`) broadcast to `dims` into scratch. */
function expand(args: KernelArgs, t: RuntimeTensor, ptr: number, dims: readonly number[]): number {
  const off = dims.length - t.dims.length, own = strides(t.dims);
  const from = dims.map((d, i) => (i < off || t.dims[i - off] !== d ? 0 : own[i - off]));
  const bytes = computeBytes(t.dtype), n = sizeOf(dims), dst = args.scratch(n * bytes);
  const [rank, plan] = [dims.length, [dims, from, dims.map(() => 0)].map(args.i32s)];
  args.kernels.call(`einsum_${suffix(t.dtype)}`, ptr, t.size, 0, 0, dst, n, rank, rank, ...plan);
  return dst;
}

function affineRows(
  args: KernelArgs,
  t: RuntimeTensor,
  ptr: number,
  x: RuntimeTensor,
  axis: number,
): AffineRows {
  const cols = sizeOf(x.dims.slice(axis));
  const lead = t.dims.slice(0, Math.max(0, t.dims.length - (x.dims.length - axis)));
  if (t.size === cols && lead.every((d) => d === 1)) return { ptr, step: 0, len: cols };
  const full = t.size === x.size ? ptr : expand(args, t, ptr, x.dims);
  return { ptr: full, step: cols, len: x.size };
}

function layerNorm(args: KernelArgs<LayerNormParams>): void {
  const { node, params, inputs: [x, scale, bias], outputs: [y, mean, inv], kernels } = args;
  const axis = axisOf(node, params.axis, x!.dims.length);
  const rows = sizeOf(x!.dims.slice(0, axis)), cols = sizeOf(x!.dims.slice(axis));
  staged(args, [x, scale, bias], [y], ([xp, sp, bp], [yp]) => {
    const s = affineRows(args, scale!, sp, x!, axis);
    const b = bias ? affineRows(args, bias, bp, x!, axis) : { ptr: 0, step: 0, len: 0 };
    const stats = [mean, inv].flatMap((t) => (t ? [t.ptr, rows] : [0, 0]));
    const name = `layernorm_${x!.dtype === "float64" ? "f64" : "f32"}`;
    kernels.call(
      name,
      xp,
      yp,
      rows,
      cols,
      params.epsilon,
      s.ptr,
      s.step,
      b.ptr,
      b.len,
      b.step,
      ...stats,
    );
  });
}

/** An einsum operand: where it is, its labels and dims. */
interface Operand {
  ptr: number;
  labels: readonly string[];
  dims: readonly number[];
}

/** Stride of a loop over `label` in `op`: repeated labels add up (diagonals), broadcast 0. */
function labelStride(op: Operand | undefined, label: string, size: number): number {
  if (!op) return 0;
  const own = strides(op.dims);
  return op.labels.reduce((s, l, p) => (l === label && op.dims[p] === size ? s + own[p] : s), 0);
}

/** One einsum step: out = Σ a·b over the labels of a and b that `out` lacks. */
function einsumStep(args: KernelArgs, step: EinsumStep): void {
  const { sfx, a, b, out, size } = step;
  const loops = [...new Set([...out.labels, ...a.labels, ...(b?.labels ?? [])])];
  const sizes = loops.map(size);
  const [sa, sb] = [a, b].map((op) => loops.map((l, i) => labelStride(op, l, sizes[i])));
  const [bPtr, bLen] = b ? [b.ptr, sizeOf(b.dims)] : [0, 0];
  args.kernels.call(
    `einsum_${sfx}`,
    a.ptr,
    sizeOf(a.dims),
    bPtr,
    bLen,
    out.ptr,
    sizeOf(out.dims),
    loops.length,
    out.labels.length,
    args.i32s(sizes),
    args.i32s(sa),
    args.i32s(sb),
  );
}

/** What one einsum step needs: kernel suffix, operands, output, label sizes. */
interface EinsumStep {
  sfx: string;
  a: Operand;
  b?: Operand;
  out: Operand;
  size: (label: string) => number;
}

/** Einsum as pairwise steps left to right, keeping only the labels later steps need. */
function einsum(args: KernelArgs<EinsumParams>): void {
  const { node, params, inputs, outputs: [y] } = args;
  const xs = inputs.map((t) => t!);
  const { terms, output, sizes } = einsumShape(node, params, xs.map((t) => [...t.dims]));
  const size = (l: string) => sizes.get(l) as number;
  const dtype = xs[0].dtype, sfx = suffix(dtype);
  staged(args, xs, [y], (ptrs, [yp]) => {
    const ops = xs.map((t, i): Operand => ({ ptr: ptrs[i], labels: terms[i], dims: t.dims }));
    let a = ops[0];
    for (let i = 1; i <= Math.max(1, ops.length - 1); i++) {
      const b = ops[i], last = i >= ops.length - 1;
      const later = new Set([...output, ...terms.slice(i + 1).flat()]);
      const labels = last
        ? output
        : [...new Set([...a.labels, ...b.labels])].filter((l) => later.has(l));
      const dims = labels.map(size);
      const ptr = last ? yp : args.scratch(sizeOf(dims) * computeBytes(dtype));
      const out = { ptr, labels, dims };
      einsumStep(args, { sfx, a, b, out, size });
      a = out;
    }
  });
}

/** Kernel bindings of the reduce family. */
export const REDUCE_KERNELS: KernelTable = {
  ...Object.fromEntries(Object.keys(REDUCERS).map((op) => [op, reduce])),
  ArgMax: argReduce,
  ArgMin: argReduce,
  Softmax: softmax,
  LogSoftmax: softmax,
  Hardmax: softmax,
  CumSum: cumSum,
  TopK: topK,
  LayerNormalization: layerNorm,
  Einsum: einsum,
};
