/**
 * WebGPU Conv, FusedConv and ConvTranspose as implicit GEMMs on the shared core: per
 * batch image and group, A is the group's weights (out channels × in channels·taps) and
 * B the input taps of each output position, gathered as they are read (no im2col
 * buffer). Depthwise and other thin convolutions take the core's one-thread-per-output
 * path. Geometry comes from the schema's window rules, as three axes.
 * @module
 */
import {
  type ConvParams,
  type ConvTransposeParams,
  convTransposeWindows,
  convWindows,
} from "../../graph/ops/nn_conv.ts";
import type { AxisWindow } from "../../graph/ops/nn_window.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { window3 } from "../ops/nn_geom.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { knownActivation } from "./nn_activation.ts";
import { sameFloats, windowRank } from "./nn_support.ts";
import { type GemmProgram, runGemm } from "./nn_tiled.ts";
import { wgslFloat } from "./wgsl.ts";

/** Uniform fields: spatial sizes as (depth, height, width, 0), then per-group counts. */
const FIELDS = "inp: vec4u, outp: vec4u, kern: vec4u, strides: vec4u, dil: vec4u, pads: vec4u, " +
  "group: u32, cg: u32, ks: u32, isz: u32,";

/** WGSL shared by both ops: batch bases, the coordinates of a flat index, the bias. */
function common(bias: boolean): string {
  const add = bias ? " + f32(bias[(z % p.group) * p.m + row])" : "";
  return `
fn batch(z: u32) -> vec2u { return vec2u((z % p.group) * p.m * p.k, z * p.cg * p.isz); }
fn coords(i: u32, d: vec4u) -> vec3i {
  return vec3i(vec3u(i / (d.y * d.z), (i / d.z) % d.y, i % d.z));
}
fn at(base: u32, c: u32, q: vec3i) -> f32 {
  let s = vec3i(p.inp.xyz);
  if (any(q < vec3i(0)) || any(q >= s)) { return 0.0; }
  return f32(rhs[base + c * p.isz + u32((q.x * s.y + q.y) * s.z + q.z)]);
}
fn epilogue(z: u32, row: u32, col: u32, acc: f32) -> f32 { return acc${add}; }`;
}

/** Conv's B: the input under tap (row % ks) of output position col, 0 in the padding. */
const CONV_LOADS = `
fn loadA(base: u32, row: u32, col: u32) -> f32 { return f32(lhs[base + row * p.k + col]); }
fn loadB(base: u32, row: u32, col: u32) -> f32 {
  let q = coords(col, p.outp) * vec3i(p.strides.xyz) +
    coords(row % p.ks, p.kern) * vec3i(p.dil.xyz) - vec3i(p.pads.xyz);
  return at(base, row / p.ks, q);
}`;

/** A 1×1 Conv with unit strides and no padding: B is the input itself. */
const POINTWISE_LOADS = `
fn loadA(base: u32, row: u32, col: u32) -> f32 { return f32(lhs[base + row * p.k + col]); }
fn loadB(base: u32, row: u32, col: u32) -> f32 { return f32(rhs[base + row * p.isz + col]); }`;

/**
 * ConvTranspose's A is W[c][m][tap]; its B holds the input a tap scatters to output
 * position col: the one whose stride multiple lands there, else 0.
 */
const TRANSPOSE_LOADS = `
fn loadA(base: u32, row: u32, col: u32) -> f32 {
  return f32(lhs[base + ((col / p.ks) * p.m + row) * p.ks + col % p.ks]);
}
fn loadB(base: u32, row: u32, col: u32) -> f32 {
  let t = coords(col, p.outp) + vec3i(p.pads.xyz) - coords(row % p.ks, p.kern) * vec3i(p.dil.xyz);
  let s = vec3i(p.strides.xyz);
  if (any(t < vec3i(0)) || any(t % s != vec3i(0))) { return 0.0; }
  return at(base, row / p.ks, t / s);
}`;

/** Whether a Conv's window reads its input as is (1×1 taps, unit strides, no pads). */
function pointwise(w: AxisWindow[]): boolean {
  return w.every((a) => a.kernel === 1 && a.stride === 1 && a.padBegin === 0 && a.padEnd === 0);
}

/** Records one conv: `channels` are (in per group, out per group). */
function convolve(
  args: GpuKernelArgs<ConvParams>,
  windows: AxisWindow[],
  channels: [number, number],
  loads: { key: string; code: string },
): void {
  const [x, w, b] = args.inputs as (RuntimeTensor | undefined)[];
  const y = args.outputs[0];
  const [input, output, kernel, strides, dilations, pads] = window3(
    args.node.opType,
    x!.dims.slice(2),
    windows,
  );
  const product = (v: number[]) => v.reduce((s, d) => s * d, 1);
  const [cg, mg] = channels, group = args.params.group, ks = product(kernel);
  const program: GemmProgram = {
    key: `${loads.key}:b${b ? 1 : 0}`,
    type: wgslFloat(x!.dtype, args.gpu.f16)!,
    fields: FIELDS,
    push: (p) => {
      for (const v of [input, output, kernel, strides, dilations, pads]) p.u32s([...v, 0]);
      p.u32s([group, cg, ks, product(input)]);
    },
    functions: `${common(b !== undefined)}${loads.code}`,
    inputs: b ? ["lhs", "rhs", "bias"] : ["lhs", "rhs"],
    activation: args.params.activation,
  };
  const size = { m: mg, n: product(output), k: cg * ks, batches: x!.dims[0] * group };
  runGemm(args.gpu, program, size, [w!.gpu, x!.gpu, ...(b ? [b.gpu] : [])], y.gpu);
}

function runConv(args: GpuKernelArgs<ConvParams>): void {
  const [x, w] = args.inputs as RuntimeTensor[];
  const windows = convWindows(args.params, x.dims, w.dims);
  const loads = pointwise(windows)
    ? { key: "Conv1x1", code: POINTWISE_LOADS }
    : { key: "Conv", code: CONV_LOADS };
  convolve(args, windows, [w.dims[1], w.dims[0] / args.params.group], loads);
}

function runConvTranspose(args: GpuKernelArgs<ConvTransposeParams>): void {
  const [x, w] = args.inputs as RuntimeTensor[];
  const windows = convTransposeWindows(args.params, x.dims, w.dims);
  const loads = { key: "ConvTranspose", code: TRANSPOSE_LOADS };
  convolve(args, windows, [w.dims[0] / args.params.group, w.dims[1]], loads);
}

/** Conv-like ops over float32 (and float16) tensors with 1 to 3 spatial axes. */
function convKernel<P extends ConvParams>(run: (args: GpuKernelArgs<P>) => void): GpuKernel<P> {
  return {
    supports: (q) => sameFloats(q) && windowRank(q, [0, 1]) && knownActivation(q.params.activation),
    run,
  };
}

/** Kernels of Conv, FusedConv and ConvTranspose. */
export const CONV_GPU_KERNELS = {
  Conv: convKernel(runConv),
  FusedConv: convKernel(runConv),
  ConvTranspose: convKernel(runConvTranspose),
};
