/**
 * WebGPU normalization kernels: LayerNormalization (with its Mean and InvStdDev outputs),
 * InstanceNormalization, and BatchNormalization in inference mode. Moments accumulate in
 * f32.
 * @module
 */
import { axisOf, type LayerNormParams } from "../../graph/ops/reduce.ts";
import type { BatchNormParams } from "../../graph/ops/nn_norm.ts";
import { type Dim, sizeOf } from "../../graph/ir.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuSupportQuery } from "./kernel.ts";
import { AT, dispatchRows, type RowFold } from "./math_rows.ts";
import { elementOf, flatShader } from "./movement_common.ts";
import { sameFloats } from "./nn_support.ts";
import { wgslFloat } from "./wgsl.ts";

/** The row's mean `mu` and reciprocal standard deviation `r` (population variance). */
const MOMENTS: readonly RowFold[] = [
  { name: "mu", init: "0.0", step: "acc + v", merge: "acc + v", then: "  mu = mu / f32(p.len);" },
  {
    name: "variance",
    init: "0.0",
    step: "acc + (v - mu) * (v - mu)",
    merge: "acc + v",
    then: "  let r = inverseSqrt(variance / f32(p.len) + p.eps);",
  },
];

/** Storage bindings: x, the vectors it is scaled and shifted by, then the outputs. */
function bindings(type: string, vectors: readonly string[], outputs: readonly string[][]) {
  return [
    { name: "xs", type: `array<${type}>` },
    ...vectors.map((name) => ({ name, type: `array<${type}>` })),
    ...outputs.map(([name, t]) => ({ name, type: `array<${t}>`, write: true })),
  ];
}

/** Whether `t`'s dims, leading 1s dropped, match the end of `tail`. */
function matchesTail(dims: readonly Dim[] | undefined, tail: readonly Dim[]): boolean {
  if (!dims) return false;
  const kept = dims.slice(dims.findIndex((d) => d !== 1));
  return kept.every((d, i) => d === tail[tail.length - kept.length + i]);
}

/** LayerNormalization over the axes from `axis` on, scale and bias broadcast on the tail. */
const LayerNormalization: GpuKernel<LayerNormParams> = {
  supports(q) {
    const [x, scale, bias] = q.inputs;
    const [y, ...stats] = q.outputs;
    const floats = wgslFloat(x?.dtype, q.f16) !== undefined && y?.dtype === x?.dtype &&
      [scale, bias].every((t) => t === undefined || t.dtype === x?.dtype) &&
      stats.every((t) => t === undefined || t.dtype === "float32");
    if (!floats || !x?.dims) return false;
    const axis = q.params.axis < 0 ? q.params.axis + x.dims.length : q.params.axis;
    const tail = x.dims.slice(axis);
    return [scale, bias].every((t) => !t || matchesTail(t.dims, tail));
  },
  run(args) {
    const { gpu, node, params, inputs: [x, scale, bias], outputs: [y, mean, invStd] } = args;
    const type = elementOf(args);
    const axis = axisOf(node, params.axis, x!.dims.length);
    const cols = sizeOf(x!.dims.slice(axis)), rows = x!.size / cols;
    const shift = bias ? " + f32(bias[k % p.biasLen])" : "";
    const stats = [mean && ["mean", "f32"], invStd && ["invStd", "f32"]];
    const present = stats.filter((s): s is string[] => s !== undefined);
    const statsBody = `${mean ? "    mean[row] = mu;\n" : ""}${
      invStd ? "    invStd[row] = r;" : ""
    }`;
    const kernel = {
      key: `layernorm:${!!bias}:${stats.map((s) => !!s)}`,
      type,
      fields: "scaleLen: u32, biasLen: u32",
      bindings: bindings(type, bias ? ["scale", "bias"] : ["scale"], [["ys", type], ...present]),
      folds: MOMENTS,
      finish: (each: (body: string) => string, once: (body: string) => string) =>
        `${
          each(`    let v = (f32(xs[${AT}]) - mu) * r * f32(scale[k % p.scaleLen])${shift};
    ys[${AT}] = ${type}(v);`)
        }
${present.length ? once(statsBody) : ""}`,
    };
    const buffers = [x, scale, bias, y, mean, invStd].flatMap((t) => (t ? [t.gpu] : []));
    dispatchRows(
      gpu,
      kernel,
      { rows, len: cols, inner: 1, eps: params.epsilon },
      buffers,
      (p) => p.u32(scale!.size).u32(bias?.size ?? 1),
    );
  },
};

/** InstanceNormalization: each (n, c) plane normalized by its own moments. */
const InstanceNormalization: GpuKernel<{ epsilon: number }> = {
  supports: (q) => sameFloats(q) && (q.inputs[0]?.dims?.length ?? 0) >= 3,
  run(args) {
    const { gpu, params, inputs: [x, scale, bias], outputs: [y] } = args;
    const type = elementOf(args);
    const inner = sizeOf(x!.dims.slice(2)), rows = x!.size / inner;
    const kernel = {
      key: "instancenorm",
      type,
      fields: "channels: u32",
      bindings: bindings(type, ["scale", "bias"], [["ys", type]]),
      folds: MOMENTS,
      finish: (each: (body: string) => string) =>
        `  let c = row % p.channels;
${each(`    ys[${AT}] = ${type}((f32(xs[${AT}]) - mu) * r * f32(scale[c]) + f32(bias[c]));`)}`,
    };
    const buffers = [x!, scale!, bias!, y].map((t) => t.gpu);
    dispatchRows(
      gpu,
      kernel,
      { rows, len: inner, inner: 1, eps: params.epsilon },
      buffers,
      (p) => p.u32(x!.dims[1]),
    );
  },
};

/** Whether only the first output is wanted (the training outputs are WASM's). */
function firstOutputOnly(q: GpuSupportQuery<unknown>): boolean {
  return q.node.outputs.slice(1).every((o) => o === "");
}

/** BatchNormalization in inference mode: per-channel affine from the running statistics. */
const BatchNormalization: GpuKernel<BatchNormParams> = {
  supports: (q) =>
    sameFloats(q) && firstOutputOnly(q) && !q.params.training && q.params.spatial &&
    (q.inputs[0]?.dims?.length ?? 0) >= 2,
  run(args) {
    const { gpu, params, inputs: [x, scale, bias, mean, variance], outputs: [y] } = args;
    const type = elementOf(args);
    const channels = x!.dims[1], inner = sizeOf(x!.dims.slice(2));
    const pipeline = gpu.pipeline(`math:batchnorm:${type}`, () =>
      flatShader(
        type,
        "channels: u32, inner: u32, eps: f32",
        bindings(type, ["scale", "bias", "mean", "variance"], [["ys", type]]),
        `  let c = (i / p.inner) % p.channels;
  let r = f32(scale[c]) * inverseSqrt(f32(variance[c]) + p.eps);
  ys[i] = ${type}((f32(xs[i]) - f32(mean[c])) * r + f32(bias[c]));`,
      ));
    const p = new Params().u32(y.size).u32(channels).u32(inner).f32(params.epsilon);
    const buffers = [x!, scale!, bias!, mean!, variance!, y].map((t) => t.gpu);
    gpu.dispatch(pipeline, p, buffers, gridFor(y.size));
  },
};

/** Normalization kernels by op name. */
export const NORM_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  LayerNormalization,
  InstanceNormalization,
  BatchNormalization,
};
