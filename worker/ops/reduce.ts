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
import { partCount, ranges } from "./_parts.ts";
import { gemmScratch } from "./nn_gemm.ts";

/** The Rust name suffix of the type each dtype computes in (float16 widens to f32). */
const SUFFIX: Record<DType, string> = {
  float16: "f32",
  float32: "f32",
  float64: "f64",
  int8: "i8",
  uint8: "u8",
  int16: "i16",
  uint16: "u16",
  int32: "i32",
  uint32: "u32",
  int64: "i64",
  uint64: "u64",
  bool: "bool",
};

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
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(reducePasses([2, 3, 4], [0, 2]), [[6, 4, 1], [1, 2, 3]]);
 * ```
 */
export function reducePasses(dims: readonly number[], axes: readonly number[]): number[][] {
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
  const { node, params, inputs: [input, axesInput], outputs: [y], kernels } = args;
  const x = input!, values = () => axesInput!.numbers(kernels.memory);
  const axes = reducedAxes(node, params, x.dims.length, axesInput && { values })!;
  // With no axes (noop_with_empty_axes) the output equals the input, as the spec says.
  const [first, merge, finish] = axes.length ? REDUCERS[node.opType] : [SUM, SUM, KEEP];
  const count = sizeOf(axes.map((a) => x.dims[a]));
  const passes = x.size === 0 ? [[y.size, 0, 1]] : reducePasses(x.dims, axes);
  staged(args, [x], [y], ([xp], [yp]) => {
    let src = xp;
    passes.forEach((block, i) => {
      const last = i === passes.length - 1;
      const dst = last ? yp : args.scratch((block[0] * block[2]) * computeBytes(x.dtype));
      const how = [i === 0 ? first : merge, last ? finish : KEEP, count];
      kernels.call(`reduce_${SUFFIX[x.dtype]}`, src, dst, ...block, ...how);
      src = dst;
    });
  });
}

function argReduce(args: KernelArgs<ArgParams>): void {
  const { node, params, inputs: [input], outputs: [y], kernels } = args;
  const x = input!, block = axisBlock(x.dims, axisOf(node, params.axis, x.dims.length));
  const flags = [node.opType === "ArgMin" ? 1 : 0, +params.selectLast];
  staged(args, [x], [], ([xp]) => {
    kernels.call(`argreduce_${SUFFIX[x.dtype]}`, xp, y.ptr, ...block, ...flags);
  });
}

const MODES: Record<string, number> = { Softmax: 0, LogSoftmax: 1, Hardmax: 2 };

/**
 * Elements a thread's part of a Softmax must reach: each costs an exponential, so a part
 * this size runs for tens of µs, well over the handoff.
 */
const MIN_SOFTMAX_PART = 1 << 14;

/** Softmax, LogSoftmax and Hardmax; float32 splits its outer rows over the threads. */
function softmax(args: KernelArgs<SoftmaxParams>): void {
  const { node, params, inputs: [input], outputs: [y], kernels } = args;
  const x = input!, block = softmaxBlock(node, params, x.dims), mode = MODES[node.opType];
  staged(args, [x], [y], ([xp], [yp]) => {
    if (x.dtype === "float64") return kernels.call("softmax_f64", xp, yp, ...block, mode);
    const [outer, n, inner] = block;
    const scratch = 2 * inner; // a row of maxima and one of sums, for inner axes
    const count = partCount(outer * n * inner, outer, kernels.threads, MIN_SOFTMAX_PART);
    const rowBytes = n * inner * 4;
    kernels.parallel(
      ranges(outer, Math.max(count, 1)).map(([r0, r1]) => ({
        name: "softmax_f32",
        args: [
          ...[xp + r0 * rowBytes, yp + r0 * rowBytes, r1 - r0, n, inner, mode],
          ...[args.scratch(scratch * 4), scratch],
        ],
      })),
    );
  });
}

function cumSum(args: KernelArgs<CumSumParams>): void {
  const { node, params, inputs: [input, axis], outputs: [y], kernels } = args;
  const x = input!, at = axis!.numbers(kernels.memory)[0];
  const block = axisBlock(x.dims, axisOf(node, at, x.dims.length));
  const flags = [+params.exclusive, +params.reverse];
  staged(args, [x], [y], ([xp], [yp]) => {
    kernels.call(`cumsum_${SUFFIX[x.dtype]}`, xp, yp, ...block, ...flags);
  });
}

function topK(args: KernelArgs<TopKParams>): void {
  const { node, params, inputs: [input, kInput], outputs: [values, indices], kernels } = args;
  const x = input!, k = params.k ?? kInput!.numbers(kernels.memory)[0];
  const [outer, n, inner] = axisBlock(x.dims, axisOf(node, params.axis, x.dims.length));
  staged(args, [x], [values], ([xp], [vp]) => {
    const entries = args.scratch(n * 16); // n (value, index) pairs of at most 16 bytes
    const name = `topk_${SUFFIX[x.dtype]}`;
    kernels.call(name, xp, vp, indices.ptr, outer, n, inner, k, +params.largest, entries);
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

/** Copies `t` (its computing-type data at `ptr`) broadcast to `dims` into scratch. */
function expand(args: KernelArgs, t: RuntimeTensor, ptr: number, dims: readonly number[]): number {
  const off = dims.length - t.dims.length, own = strides(t.dims);
  const from = dims.map((d, i) => (i < off || t.dims[i - off] !== d ? 0 : own[i - off]));
  const bytes = computeBytes(t.dtype), n = sizeOf(dims), dst = args.scratch(n * bytes);
  const [rank, plan] = [dims.length, [dims, from, dims.map(() => 0)].map((v) => args.i32s(v))];
  args.kernels.call(`einsum_${SUFFIX[t.dtype]}`, ptr, t.size, 0, 0, dst, n, rank, rank, ...plan);
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
  const { node, params, inputs: [input, scale, bias], outputs: [y, mean, inv], kernels } = args;
  const x = input!, axis = axisOf(node, params.axis, x.dims.length);
  const rows = sizeOf(x.dims.slice(0, axis)), cols = sizeOf(x.dims.slice(axis));
  staged(args, [x, scale, bias], [y], ([xp, sp, bp], [yp]) => {
    const s = affineRows(args, scale!, sp, x, axis);
    const b = bias ? affineRows(args, bias, bp, x, axis) : { ptr: 0, step: 0, len: 0 };
    const stats = [mean, inv].flatMap((t) => (t ? [t.ptr, rows] : [0, 0]));
    const name = `layernorm_${x.dtype === "float64" ? "f64" : "f32"}`;
    const affine = [s.ptr, s.step, b.ptr, b.len, b.step];
    kernels.call(name, xp, yp, rows, cols, params.epsilon, ...affine, ...stats);
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
  if (step.b && step.sfx === "f32") return gemmStep(args, { ...step, b: step.b });
  const { sfx, out, size } = step;
  // Labels summed in both operands run innermost, laid out last in both, so the kernel's
  // inner loop is a contiguous dot product.
  const all = unique([...step.a.labels, ...(step.b?.labels ?? [])]);
  const shared = all.filter((l) => !out.labels.includes(l) && inBoth(step, l));
  const last = (op: Operand) => [...without(op.labels, shared), ...shared];
  const [a, b] = shared.length
    ? [step.a, step.b].map((op) => op && arrange(args, step, op, last(op)))
    : [step.a, step.b];
  const loops = unique([...out.labels, ...without(all, shared), ...shared]);
  const sizes = loops.map(size);
  const [sa, sb] = [a, b].map((op) => loops.map((l, i) => labelStride(op, l, sizes[i])));
  const bData = b ? [b.ptr, sizeOf(b.dims)] : [0, 0];
  const data = [a!.ptr, sizeOf(a!.dims), ...bData, out.ptr, sizeOf(out.dims)];
  const plan = [loops.length, out.labels.length, ...[sizes, sa, sb].map((v) => args.i32s(v))];
  args.kernels.call(`einsum_${sfx}`, ...data, ...plan);
}

function unique(labels: readonly string[]): string[] {
  return [...new Set(labels)];
}

function without(labels: readonly string[], drop: readonly string[]): string[] {
  return unique(labels).filter((l) => !drop.includes(l));
}

function inBoth(step: EinsumStep, label: string): boolean {
  return step.a.labels.includes(label) && !!step.b?.labels.includes(label);
}

/**
 * A two-operand f32 step as a batched GEMM: labels summed in one operand only are summed
 * out first, then a is arranged [batch, m, k], b [batch, k, n], and the product lands in
 * `out` (through scratch when `out` orders its labels otherwise).
 */
function gemmStep(args: KernelArgs, step: EinsumStep & { b: Operand }): void {
  const { out, size } = step;
  // Labels neither in `out` nor in the other operand are summed out of their operand.
  const kept = (op: Operand, other: Operand) =>
    unique(op.labels).filter((l) => out.labels.includes(l) || other.labels.includes(l));
  const [a, b] = [
    arrange(args, step, step.a, kept(step.a, step.b)),
    arrange(args, step, step.b, kept(step.b, step.a)),
  ];
  const joint = { ...step, a, b };
  const batch = out.labels.filter((l) => inBoth(joint, l));
  const m = out.labels.filter((l) => a.labels.includes(l) && !b.labels.includes(l));
  const n = out.labels.filter((l) => b.labels.includes(l) && !a.labels.includes(l));
  const k = a.labels.filter((l) => !out.labels.includes(l));
  const [pa, pb] = [
    arrange(args, step, a, [...batch, ...m, ...k]),
    arrange(args, step, b, [...batch, ...k, ...n]),
  ];
  const labels = [...batch, ...m, ...n], direct = labels.join() === out.labels.join();
  const y = direct ? out : scratchOperand(args, step, labels);
  const dims = [batch, m, k, n].map((ls) => sizeOf(ls.map(size)));
  const scratch = gemmScratch(args, dims[1], dims[2], dims[3]);
  const gemm = [...dims, args.scratch(scratch * 4), scratch];
  args.kernels.call("einsum_gemm_f32", pa.ptr, pb.ptr, y.ptr, ...gemm);
  if (!direct) einsumStep(args, { ...step, a: y, b: undefined, out });
}

/** Fresh scratch for an operand with these labels. */
function scratchOperand(args: KernelArgs, step: EinsumStep, labels: string[]): Operand {
  const dims = labels.map(step.size);
  return { ptr: args.scratch(sizeOf(dims) * step.bytes), labels, dims };
}

/**
 * `op` with exactly `labels`, in that order: copied (transposed, diagonals taken, labels
 * it lacks summed out) unless it is laid out so already.
 */
function arrange(args: KernelArgs, step: EinsumStep, op: Operand, labels: string[]): Operand {
  if (labels.join() === op.labels.join()) return op;
  const out = scratchOperand(args, step, labels);
  einsumStep(args, { ...step, a: op, b: undefined, out });
  return out;
}

/** What one einsum step needs: kernel suffix, element bytes, operands, output, sizes. */
interface EinsumStep {
  sfx: string;
  bytes: number;
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
  const dtype = xs[0].dtype, sfx = SUFFIX[dtype], bytes = computeBytes(dtype);
  staged(args, xs, [y], (ptrs, [yp]) => {
    const ops = xs.map((t, i): Operand => ({ ptr: ptrs[i], labels: terms[i], dims: t.dims }));
    let a = ops[0];
    // One step per further operand; a lone operand takes one step by itself.
    for (let i = 1; i <= Math.max(1, ops.length - 1); i++) {
      const b = ops[i], last = i >= ops.length - 1;
      const later = new Set([...output, ...terms.slice(i + 1).flat()]);
      const labels = last
        ? output
        : [...new Set([...a.labels, ...b.labels])].filter((l) => later.has(l));
      const dims = labels.map(size);
      const ptr = last ? yp : args.scratch(sizeOf(dims) * bytes);
      const out = { ptr, labels, dims };
      einsumStep(args, { sfx, bytes, a, b, out, size });
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
