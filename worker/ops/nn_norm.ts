/**
 * WASM bindings of the normalizations. Batch and instance normalization share one kernel
 * (an affine map per plane) and one statistics kernel; they differ in which planes share
 * statistics.
 * @module
 */
import { sizeOf } from "../../graph/ir.ts";
import { normalizeAxis } from "../../graph/ops/_dims.ts";
import type { BatchNormParams, LpNormParams } from "../../graph/ops/nn_norm.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";
import { type F32, inputF32, outputF32 } from "./nn_stage.ts";

/** The statistics of one normalization: `channels` means and variances. */
interface Stats {
  mean: F32;
  var: F32;
}

/** y = (x - mean) · scale / sqrt(var + epsilon) + bias over `plane`-sized planes. */
function normalize(
  args: KernelArgs,
  plane: number,
  [scale, bias]: F32[],
  stats: Stats,
  epsilon: number,
): void {
  const x = inputF32(args, args.inputs[0]!), y = outputF32(args, args.outputs[0]);
  const params = [scale.ptr, bias.ptr, scale.size, stats.mean.ptr, stats.var.ptr, stats.mean.size];
  args.kernels.call("normalize_f32", x.ptr, y.ptr, x.size, plane, ...params, epsilon);
  y.commit();
}

/** Batch statistics per channel into the given outputs (staged) or scratch. */
function batchStats(
  args: KernelArgs,
  plane: number,
  channels: number,
  outputs: (RuntimeTensor | undefined)[],
): Stats {
  const x = inputF32(args, args.inputs[0]!);
  const [mean, variance] = outputs.map((o) =>
    o
      ? outputF32(args, o)
      : { ptr: args.scratch(channels * 4), size: channels, dims: [channels], commit: () => {} }
  );
  args.kernels.call("norm_stats_f32", x.ptr, x.size, plane, mean.ptr, variance.ptr, channels);
  mean.commit();
  variance.commit();
  return { mean, var: variance };
}

function batchNormalization(args: KernelArgs<BatchNormParams>): void {
  const [x, ...rest] = args.inputs as RuntimeTensor[];
  const [scale, bias, mean, variance] = rest.map((t) => inputF32(args, t));
  const { spatial, training, epsilon, momentum } = args.params;
  const plane = spatial ? sizeOf(x.dims.slice(2)) : 1;
  if (!training) {
    normalize(args, plane, [scale, bias], { mean, var: variance }, epsilon);
    return;
  }
  const current = batchStats(args, plane, scale.size, [args.outputs[3], args.outputs[4]]);
  normalize(args, plane, [scale, bias], current, epsilon);
  // Outputs 1 and 2 are the running statistics moved toward the batch's.
  [[mean, current.mean], [variance, current.var]].forEach(([running, batch], i) => {
    const out = args.outputs[i + 1];
    if (!out) return;
    const o = outputF32(args, out);
    args.kernels.call("norm_blend_f32", running.ptr, batch.ptr, o.ptr, o.size, momentum);
    o.commit();
  });
}

function instanceNormalization(args: KernelArgs<{ epsilon: number }>): void {
  const [x, scale, bias] = args.inputs as RuntimeTensor[];
  const plane = sizeOf(x.dims.slice(2));
  const stats = batchStats(args, plane, x.dims[0] * x.dims[1], [undefined, undefined]);
  normalize(args, plane, [inputF32(args, scale), inputF32(args, bias)], stats, args.params.epsilon);
}

function lpNormalization(args: KernelArgs<LpNormParams>): void {
  const x = args.inputs[0]!;
  const axis = normalizeAxis(args.params.axis, x.dims.length)!;
  const xs = inputF32(args, x), y = outputF32(args, args.outputs[0]);
  const inner = sizeOf(x.dims.slice(axis + 1));
  args.kernels.call("lpnorm_f32", xs.ptr, y.ptr, xs.size, x.dims[axis], inner, args.params.p);
  y.commit();
}

/** Kernel bindings of the normalizations. */
export const NORM_KERNELS = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LpNormalization: lpNormalization,
};
