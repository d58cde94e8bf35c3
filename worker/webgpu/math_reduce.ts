/**
 * WebGPU kernels that work along axes: Softmax and LogSoftmax, the Reduce* family, and
 * BatchNormalization (inference), InstanceNormalization and LayerNormalization. Each
 * thread owns one output row and walks it, accumulating in f32.
 * @module
 */
import { axisOf, reducedAxes, type ReduceParams, softmaxBlock } from "../../graph/ops/reduce.ts";
import type { LayerNormParams, SoftmaxParams } from "../../graph/ops/reduce.ts";
import type { BatchNormParams } from "../../graph/ops/nn_norm.ts";
import { sizeOf } from "../../graph/ir.ts";
import { reducePasses } from "../ops/reduce.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs, GpuSupportQuery } from "./kernel.ts";
import { flatShader, hostValues } from "./movement_common.ts";
import { sameFloats } from "./nn_support.ts";
import { type WgslFloat, wgslFloat } from "./wgsl.ts";

/** Whether only the first output is wanted (the statistics outputs are WASM's). */
function firstOutputOnly(q: GpuSupportQuery<unknown>): boolean {
  return q.node.outputs.slice(1).every((o) => o === "");
}

function typeOf(args: GpuKernelArgs<unknown>): WgslFloat {
  return wgslFloat(args.inputs[0]!.dtype, args.gpu.f16)!;
}

/** `P` fields of the row kernels: rows are `outer × inner`, each `n` long at stride inner. */
const ROW_FIELDS = "outer: u32, len: u32, inner: u32, eps: f32, count: f32";

/** WGSL: the row's first element offset `base` for thread `i`. */
const ROW_BASE = "  let base = (i / p.inner) * p.len * p.inner + i % p.inner;";

function rowParams(rows: number, block: readonly number[], eps = 0, count = 0): Params {
  return new Params().u32(rows).u32(block[0]).u32(block[1]).u32(block[2]).f32(eps).f32(count);
}

/** Softmax and LogSoftmax along one axis (or over the flattened tail before opset 13). */
function softmax(log: boolean): GpuKernel<SoftmaxParams> {
  return {
    supports: sameFloats,
    run(args) {
      const { gpu, node, params, inputs: [x], outputs: [y] } = args;
      const type = typeOf(args);
      const block = softmaxBlock(node, params, x!.dims);
      const write = log ? "(v - m) - log(s)" : "exp(v - m) / s";
      const pipeline = gpu.pipeline(`math:softmax:${log}:${type}`, () =>
        flatShader(
          type,
          ROW_FIELDS,
          [{ name: "xs", type: `array<${type}>` }, {
            name: "ys",
            type: `array<${type}>`,
            write: true,
          }],
          `${ROW_BASE}
  var m = -3.4028234663852886e38;
  for (var k = 0u; k < p.len; k++) { m = max(m, f32(xs[base + k * p.inner])); }
  var s = 0.0;
  for (var k = 0u; k < p.len; k++) { s += exp(f32(xs[base + k * p.inner]) - m); }
  for (var k = 0u; k < p.len; k++) {
    let v = f32(xs[base + k * p.inner]);
    ys[base + k * p.inner] = ${type}(${write});
  }`,
        ));
      const rows = block[0] * block[2];
      gpu.dispatch(pipeline, rowParams(rows, block), [x!.gpu, y.gpu], gridFor(rows));
    },
  };
}

/** A reduction as WGSL: the accumulator's start, one step over `v`, and its finish. */
interface Reducer {
  init: string;
  first: string;
  merge: string;
  finish: string;
}

const SUM = "acc + v";
const SUM_SQUARE = "acc + v * v";
/** WGSL: NaN in `acc` or `v` (by bits: compilers may assume `v != v` is false). */
const EITHER_NAN =
  "(bitcast<u32>(acc) & 0x7fffffffu) > 0x7f800000u || (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u";
const MAX = `select(max(acc, v), acc + v, ${EITHER_NAN})`;
const MIN = `select(min(acc, v), acc + v, ${EITHER_NAN})`;
const LSE = "lse";

const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { init: "0.0", first: SUM, merge: SUM, finish: "acc" },
  ReduceMean: { init: "0.0", first: SUM, merge: SUM, finish: "acc / p.count" },
  ReduceMax: { init: "-1.0 / 0.0", first: MAX, merge: MAX, finish: "acc" },
  ReduceMin: { init: "1.0 / 0.0", first: MIN, merge: MIN, finish: "acc" },
  ReduceProd: { init: "1.0", first: "acc * v", merge: "acc * v", finish: "acc" },
  ReduceL1: { init: "0.0", first: "acc + abs(v)", merge: SUM, finish: "acc" },
  ReduceL2: { init: "0.0", first: SUM_SQUARE, merge: SUM, finish: "sqrt(acc)" },
  ReduceLogSum: { init: "0.0", first: SUM, merge: SUM, finish: "log(acc)" },
  ReduceLogSumExp: { init: "0.0", first: LSE, merge: LSE, finish: "acc" },
  ReduceSumSquare: { init: "0.0", first: SUM_SQUARE, merge: SUM, finish: "acc" },
};

const INFINITY = "bitcast<f32>(0x7f800000u)";

/** WGSL folding row `base` into `acc` with `step`; log-sum-exp takes two walks. */
function foldRow(step: string, init: string): string {
  const at = "f32(xs[base + k * p.inner])";
  if (step === LSE) {
    return `  var m = -${INFINITY};
  for (var k = 0u; k < p.len; k++) { m = max(m, ${at}); }
  var s = 0.0;
  for (var k = 0u; k < p.len; k++) { s += exp(${at} - m); }
  var acc = select(m + log(s), -${INFINITY}, p.len == 0u || m == -${INFINITY});`;
  }
  return `  var acc = ${init.replace("1.0 / 0.0", INFINITY)};
  for (var k = 0u; k < p.len; k++) { let v = ${at}; acc = ${step}; }`;
}

function reduce(op: string): GpuKernel<ReduceParams> {
  return {
    hostInputs: [1],
    supports: (q) => wgslFloat(q.inputs[0]?.dtype, q.f16) !== undefined,
    run(args) {
      const { gpu, node, params, inputs: [x], outputs: [y] } = args;
      const type = typeOf(args);
      const values = hostValues(args);
      const axesInput = args.inputs[1] && { values: () => values(1)?.map(Number) };
      const axes = reducedAxes(node, params, x!.dims.length, axesInput)!;
      const r = axes.length ? REDUCERS[op] : REDUCERS.ReduceSum;
      const count = sizeOf(axes.map((a) => x!.dims[a]));
      const passes = x!.size === 0 ? [[y.size, 0, 1]] : reducePasses(x!.dims, axes);
      let src = x!.gpu;
      const scratch: GPUBuffer[] = [];
      passes.forEach((block, i) => {
        const last = i === passes.length - 1;
        const rows = block[0] * block[2];
        const dst = last ? y.gpu : gpu.acquire(rows * 4);
        if (!last) scratch.push(dst);
        const inType = i === 0 ? type : "f32", outType = last ? type : "f32";
        const step = i === 0 ? r.first : r.merge, finish = last ? r.finish : "acc";
        const pipeline = gpu.pipeline(
          `math:${op}:${inType}:${outType}:${step}:${finish}`,
          () =>
            flatShader(
              type,
              ROW_FIELDS,
              [{ name: "xs", type: `array<${inType}>` }, {
                name: "ys",
                type: `array<${outType}>`,
                write: true,
              }],
              `${ROW_BASE}\n${foldRow(step, r.init)}\n  ys[i] = ${outType}(${finish});`,
            ),
        );
        gpu.dispatch(pipeline, rowParams(rows, block, 0, count), [src, dst], gridFor(rows));
        src = dst;
      });
      for (const b of scratch) gpu.recycle(b);
    },
  };
}

/** Mean and variance of row `base`, in f32 (`mu`, `variance`). */
const ROW_MOMENTS = `  var mu = 0.0;
  for (var k = 0u; k < p.len; k++) { mu += f32(xs[base + k * p.inner]); }
  mu = mu / f32(p.len);
  var variance = 0.0;
  for (var k = 0u; k < p.len; k++) {
    let d = f32(xs[base + k * p.inner]) - mu;
    variance += d * d;
  }
  variance = variance / f32(p.len);
  let r = inverseSqrt(variance + p.eps);`;

/** Storage bindings: x, the per-row or per-channel vectors, y. */
function normBindings(type: string, vectors: readonly string[]) {
  return [
    { name: "xs", type: `array<${type}>` },
    ...vectors.map((name) => ({ name, type: `array<${type}>` })),
    { name: "ys", type: `array<${type}>`, write: true },
  ];
}

/** LayerNormalization over the axes from `axis` on, scale and bias broadcast on the tail. */
const LayerNormalization: GpuKernel<LayerNormParams> = {
  supports(q) {
    const [x, scale, bias] = q.inputs;
    if (!sameFloats(q) || !firstOutputOnly(q) || !x?.dims) return false;
    const axis = q.params.axis < 0 ? q.params.axis + x.dims.length : q.params.axis;
    const tail = x.dims.slice(axis);
    // Scale and bias must match the normalized dims once leading 1s are dropped.
    return [scale, bias].every((t) => {
      if (!t) return true;
      if (!t.dims) return false;
      const kept = t.dims.slice(t.dims.findIndex((d) => d !== 1));
      return kept.every((d, i) => d === tail[tail.length - kept.length + i]);
    });
  },
  run(args) {
    const { gpu, node, params, inputs: [x, scale, bias], outputs: [y] } = args;
    const type = typeOf(args);
    const axis = axisOf(node, params.axis, x!.dims.length);
    const cols = sizeOf(x!.dims.slice(axis)), rows = x!.size / cols;
    const vectors = bias ? ["scale", "bias"] : ["scale"];
    const shift = bias ? " + f32(bias[k % p.biasLen])" : "";
    const pipeline = gpu.pipeline(`math:layernorm:${type}:${!!bias}`, () =>
      flatShader(
        type,
        ROW_FIELDS + ", scaleLen: u32, biasLen: u32",
        normBindings(type, vectors),
        `${ROW_BASE}\n${ROW_MOMENTS}
  for (var k = 0u; k < p.len; k++) {
    let v = (f32(xs[base + k]) - mu) * r * f32(scale[k % p.scaleLen])${shift};
    ys[base + k] = ${type}(v);
  }`,
      ));
    const p = rowParams(rows, [rows, cols, 1], params.epsilon).u32(scale!.size).u32(
      bias?.size ?? 1,
    );
    const buffers = [x!.gpu, scale!.gpu, ...(bias ? [bias.gpu] : []), y.gpu];
    gpu.dispatch(pipeline, p, buffers, gridFor(rows));
  },
};

/** InstanceNormalization: each (n, c) plane normalized by its own moments. */
const InstanceNormalization: GpuKernel<{ epsilon: number }> = {
  supports: (q) => sameFloats(q) && (q.inputs[0]?.dims?.length ?? 0) >= 3,
  run(args) {
    const { gpu, params, inputs: [x, scale, bias], outputs: [y] } = args;
    const type = typeOf(args);
    const channels = x!.dims[1], inner = sizeOf(x!.dims.slice(2)), rows = x!.size / inner;
    const pipeline = gpu.pipeline(`math:instancenorm:${type}`, () =>
      flatShader(
        type,
        ROW_FIELDS + ", channels: u32",
        normBindings(type, ["scale", "bias"]),
        `  let base = i * p.len;\n${ROW_MOMENTS.replaceAll(" * p.inner", "")}
  let c = i % p.channels;
  for (var k = 0u; k < p.len; k++) {
    ys[base + k] = ${type}((f32(xs[base + k]) - mu) * r * f32(scale[c]) + f32(bias[c]));
  }`,
      ));
    const p = rowParams(rows, [rows, inner, 1], params.epsilon).u32(channels);
    gpu.dispatch(pipeline, p, [x!.gpu, scale!.gpu, bias!.gpu, y.gpu], gridFor(rows));
  },
};

/** BatchNormalization in inference mode: per-channel affine from the running statistics. */
const BatchNormalization: GpuKernel<BatchNormParams> = {
  supports: (q) =>
    sameFloats(q) && firstOutputOnly(q) && !q.params.training && q.params.spatial &&
    (q.inputs[0]?.dims?.length ?? 0) >= 2,
  run(args) {
    const { gpu, params, inputs: [x, scale, bias, mean, variance], outputs: [y] } = args;
    const type = typeOf(args);
    const channels = x!.dims[1], inner = sizeOf(x!.dims.slice(2));
    const pipeline = gpu.pipeline(`math:batchnorm:${type}`, () =>
      flatShader(
        type,
        ROW_FIELDS,
        normBindings(type, ["scale", "bias", "mean", "variance"]),
        `  let c = (i / p.inner) % p.len;
  let r = f32(scale[c]) * inverseSqrt(f32(variance[c]) + p.eps);
  ys[i] = ${type}((f32(xs[i]) - f32(mean[c])) * r + f32(bias[c]));`,
      ));
    const p = rowParams(y.size, [1, channels, inner], params.epsilon);
    const buffers = [x!, scale!, bias!, mean!, variance!].map((t) => t.gpu);
    gpu.dispatch(pipeline, p, [...buffers, y.gpu], gridFor(y.size));
  },
};

/** Axis kernels by op name. */
export const REDUCE_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
  ...Object.fromEntries(Object.keys(REDUCERS).map((op) => [op, reduce(op)])),
  LayerNormalization,
  InstanceNormalization,
  BatchNormalization,
};
