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
import { asF32, f32Output } from "./_f32.ts";

/** An f32 vector in linear memory. */
interface Vec {
  ptr: number;
  size: number;
}

/** An f32 copy (or the tensor itself) of a float tensor. */
function vec(args: KernelArgs, t: RuntimeTensor): Vec {
  return { ptr: asF32(args, t), size: t.size };
}

/** y = (x - mean) · scale / sqrt(var + epsilon) + bias over `plane`-sized planes. */
function normalize(
  args: KernelArgs,
  plane: number,
  [scale, bias]: Vec[],
  [mean, variance]: Vec[],
  epsilon: number,
): void {
  const [x, out] = [args.inputs[0]!, args.outputs[0]];
  const y = f32Output(args, out);
  const params = [scale.ptr, bias.ptr, scale.size, mean.ptr, variance.ptr, mean.size];
  args.kernels.call("normalize_f32", asF32(args, x), y.ptr, x.size, plane, ...params, epsilon);
  y.commit();
}

/** Mean and variance per channel (cycling over the planes) into `outputs` or scratch. */
function batchStats(
  args: KernelArgs,
  plane: number,
  channels: number,
  outputs: (RuntimeTensor | undefined)[],
): Vec[] {
  const x = args.inputs[0]!;
  const stats = outputs.map((o) =>
    o ? f32Output(args, o) : { ptr: args.scratch(channels * 4), commit: () => {} }
  );
  const [mean, variance] = stats;
  args.kernels.call(
    "norm_stats_f32",
    asF32(args, x),
    x.size,
    plane,
    mean.ptr,
    variance.ptr,
    channels,
  );
  stats.forEach((s) => s.commit());
  return stats.map((s) => ({ ptr: s.ptr, size: channels }));
}

function batchNormalization(args: KernelArgs<BatchNormParams>): void {
  const [x, ...rest] = args.inputs as RuntimeTensor[];
  const [scale, bias, mean, variance] = rest.map((t) => vec(args, t));
  const { spatial, training, epsilon, momentum } = args.params;
  const plane = spatial ? sizeOf(x.dims.slice(2)) : 1;
  if (!training) {
    normalize(args, plane, [scale, bias], [mean, variance], epsilon);
    return;
  }
  const current = batchStats(args, plane, scale.size, [args.outputs[3], args.outputs[4]]);
  normalize(args, plane, [scale, bias], current, epsilon);
  // Outputs 1 and 2 are the running statistics moved toward the batch's.
  [mean, variance].forEach((running, i) => {
    const out = args.outputs[i + 1];
    if (!out) return;
    const o = f32Output(args, out);
    args.kernels.call("norm_blend_f32", running.ptr, current[i].ptr, o.ptr, out.size, momentum);
    o.commit();
  });
}

function instanceNormalization(args: KernelArgs<{ epsilon: number }>): void {
  const [x, scale, bias] = args.inputs as RuntimeTensor[];
  const plane = sizeOf(x.dims.slice(2));
  const stats = batchStats(args, plane, x.dims[0] * x.dims[1], [undefined, undefined]);
  normalize(args, plane, [vec(args, scale), vec(args, bias)], stats, args.params.epsilon);
}

function lpNormalization(args: KernelArgs<LpNormParams>): void {
  const [x, out] = [args.inputs[0]!, args.outputs[0]];
  const axis = normalizeAxis(args.params.axis, x.dims.length)!;
  const y = f32Output(args, out);
  const inner = sizeOf(x.dims.slice(axis + 1));
  args.kernels.call(
    "lpnorm_f32",
    asF32(args, x),
    y.ptr,
    x.size,
    x.dims[axis],
    inner,
    args.params.p,
  );
  y.commit();
}

/** Kernel bindings of the normalizations. */
export const NORM_KERNELS = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LpNormalization: lpNormalization,
};
