/**
 * WebGPU kernels that fold along axes: Softmax and LogSoftmax, the Reduce* family, and
 * ArgMax/ArgMin (int64 indices written as whole u32 pairs). Values accumulate in f32.
 * @module
 */
import { type ArgParams, axisBlock, axisOf, reducedAxes } from "../../graph/ops/reduce.ts";
import { type ReduceParams, softmaxBlock, type SoftmaxParams } from "../../graph/ops/reduce.ts";
import { sizeOf } from "../../graph/ir.ts";
import { reducePasses } from "../ops/reduce.ts";
import type { GpuKernel } from "./kernel.ts";
import { INFINITY } from "./math_wgsl.ts";
import { AT, dispatchRows, type RowFold } from "./math_rows.ts";
import { elementOf, hostValues } from "./movement_common.ts";
import { sameFloats } from "./nn_support.ts";
import { wgslFloat } from "./wgsl.ts";

/** Storage bindings `xs` (read) and `ys` (written). */
function inOut(x: string, y: string) {
  return [{ name: "xs", type: `array<${x}>` }, { name: "ys", type: `array<${y}>`, write: true }];
}

/** The row maximum `m` and the sum `s` of `exp(v - m)`: Softmax's two folds. */
const MAX_THEN_SUM: readonly RowFold[] = [
  { name: "m", init: "-3.4028234663852886e38", step: "max(acc, v)", merge: "max(acc, v)" },
  { name: "s", init: "0.0", step: "acc + exp(v - m)", merge: "acc + v" },
];

/** Softmax and LogSoftmax along one axis (or over the flattened tail before opset 13). */
function softmax(log: boolean): GpuKernel<SoftmaxParams> {
  return {
    supports: sameFloats,
    run(args) {
      const { gpu, node, params, inputs: [x], outputs: [y] } = args;
      const type = elementOf(args);
      const [outer, len, inner] = softmaxBlock(node, params, x!.dims);
      const write = log ? "(v - m) - log(s)" : "exp(v - m) / s";
      const kernel = {
        key: `softmax:${log}`,
        type,
        bindings: inOut(type, type),
        folds: MAX_THEN_SUM,
        finish: (each: (body: string) => string) =>
          each(`    let v = f32(xs[${AT}]);\n    ys[${AT}] = ${type}(${write});`),
      };
      dispatchRows(gpu, kernel, { rows: outer * inner, len, inner }, [x!.gpu, y.gpu]);
    },
  };
}

/** A reduction: its folds on the input (`first`) or on partial results, and its end. */
interface Reducer {
  folds(first: boolean): readonly RowFold[];
  finish: string;
}

const SUM = "acc + v";
const SUM_SQUARE = "acc + v * v";
/** WGSL: NaN in `acc` or `v` (by bits: compilers may assume `v != v` is false). */
const EITHER_NAN = "is_nan(acc) || is_nan(v)";
const MAX = `select(max(acc, v), acc + v, ${EITHER_NAN})`;
const MIN = `select(min(acc, v), acc + v, ${EITHER_NAN})`;

/** One fold into `acc`: from `init`, by `step` on the input and `merge` on partials. */
function single(init: string, step: string, merge: string): Reducer["folds"] {
  return (first) => [{ name: "acc", init, step: first ? step : merge, merge }];
}

/** Log-sum-exp folds (of inputs, or of partial log-sum-exps: the same), into `acc`. */
const LOG_SUM_EXP: readonly RowFold[] = [
  { name: "m", init: `-${INFINITY}`, step: "max(acc, v)", merge: "max(acc, v)" },
  {
    name: "s",
    init: "0.0",
    step: "acc + exp(v - m)",
    merge: "acc + v",
    then: `  let acc = select(m + log(s), -${INFINITY}, p.len == 0u || m == -${INFINITY});`,
  },
];

const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { folds: single("0.0", SUM, SUM), finish: "acc" },
  ReduceMean: { folds: single("0.0", SUM, SUM), finish: "acc / p.count" },
  ReduceMax: { folds: single(`-${INFINITY}`, MAX, MAX), finish: "acc" },
  ReduceMin: { folds: single(INFINITY, MIN, MIN), finish: "acc" },
  ReduceProd: { folds: single("1.0", "acc * v", "acc * v"), finish: "acc" },
  ReduceL1: { folds: single("0.0", "acc + abs(v)", SUM), finish: "acc" },
  ReduceL2: { folds: single("0.0", SUM_SQUARE, SUM), finish: "sqrt(acc)" },
  ReduceLogSum: { folds: single("0.0", SUM, SUM), finish: "log(acc)" },
  ReduceLogSumExp: { folds: () => LOG_SUM_EXP, finish: "acc" },
  ReduceSumSquare: { folds: single("0.0", SUM_SQUARE, SUM), finish: "acc" },
};

/** A Reduce* op: one pass per run of adjacent reduced axes, through f32 scratch. */
function reduce(op: string): GpuKernel<ReduceParams> {
  return {
    hostInputs: [1],
    supports: (q) =>
      wgslFloat(q.inputs[0]?.dtype, q.f16) !== undefined &&
      q.outputs[0]?.dtype === q.inputs[0]?.dtype,
    run(args) {
      const { gpu, node, params, inputs: [x], outputs: [y] } = args;
      const type = elementOf(args), values = hostValues(args);
      const axesInput = args.inputs[1] && { values: () => values(1)?.map(Number) };
      const axes = reducedAxes(node, params, x!.dims.length, axesInput)!;
      // With no axes (noop_with_empty_axes) the output equals the input, as the spec says.
      const name = axes.length ? op : "ReduceSum", r = REDUCERS[name];
      const count = sizeOf(axes.map((a) => x!.dims[a]));
      const passes = x!.size === 0 ? [[y.size, 0, 1]] : reducePasses(x!.dims, axes);
      let src = x!.gpu;
      const scratch: GPUBuffer[] = [];
      passes.forEach(([outer, len, inner], i) => {
        const last = i === passes.length - 1, rows = outer * inner;
        const dst = last ? y.gpu : gpu.acquire(rows * 4);
        if (!last) scratch.push(dst);
        const inType = i === 0 ? type : "f32", outType = last ? type : "f32";
        const finish = last ? r.finish : "acc";
        const kernel = {
          key: `${name}:${i === 0}:${finish}:${inType}:${outType}`,
          type,
          bindings: inOut(inType, outType),
          folds: r.folds(i === 0),
          finish: (_: unknown, once: (body: string) => string) =>
            once(`    ys[row] = ${outType}(${finish});`),
        };
        dispatchRows(gpu, kernel, { rows, len, inner, count }, [src, dst]);
        src = dst;
      });
      for (const b of scratch) gpu.recycle(b);
    },
  };
}

/**
 * ArgMax/ArgMin: the extreme `m` (NaN when any element is), then the first or last index
 * holding it, each folded like a reduction (indices as f32 are exact below 2^24).
 */
function argReduce(op: "ArgMax" | "ArgMin"): GpuKernel<ArgParams> {
  return {
    supports: (q) =>
      wgslFloat(q.inputs[0]?.dtype, q.f16) !== undefined && q.outputs[0]?.dtype === "int64",
    run(args) {
      const { gpu, node, params, inputs: [x], outputs: [y] } = args;
      const type = elementOf(args);
      const [outer, len, inner] = axisBlock(x!.dims, axisOf(node, params.axis, x!.dims.length));
      const extreme = op === "ArgMax" ? MAX : MIN, pick = params.selectLast ? "max" : "min";
      const hit = "v == m || (is_nan(v) && is_nan(m))";
      const folds: RowFold[] = [
        {
          name: "m",
          init: op === "ArgMax" ? `-${INFINITY}` : INFINITY,
          step: extreme,
          merge: extreme,
        },
        {
          name: "at",
          init: params.selectLast ? "-1.0" : INFINITY,
          step: `select(acc, ${pick}(acc, f32(k)), ${hit})`,
          merge: `${pick}(acc, v)`,
        },
      ];
      const kernel = {
        key: `${op}:${pick}`,
        type,
        bindings: inOut(type, "u32"),
        folds,
        finish: (_: unknown, once: (body: string) => string) =>
          once(`    ys[2u * row] = u32(at);\n    ys[2u * row + 1u] = 0u;`),
      };
      dispatchRows(gpu, kernel, { rows: outer * inner, len, inner }, [x!.gpu, y.gpu]);
    },
  };
}

/** Axis-folding kernels by op name. */
export const REDUCE_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
  ...Object.fromEntries(Object.keys(REDUCERS).map((op) => [op, reduce(op)])),
  ArgMax: argReduce("ArgMax"),
  ArgMin: argReduce("ArgMin"),
};
