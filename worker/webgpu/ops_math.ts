/**
 * WebGPU kernels of the math family: elementwise ops, softmax, reductions, normalization.
 * @module
 */
import type { GpuKernel, GpuKernelTable } from "./kernel.ts";
import { FLAT_INDEX, gridFor, Params } from "./device.ts";
import { prelude, wgslFloat } from "./wgsl.ts";

/** A unary op whose WGSL expression maps `x` to the result. */
function unary(expression: string): GpuKernel {
  return {
    supports: ({ inputs, outputs, f16 }) =>
      wgslFloat(inputs[0]?.dtype, f16) !== undefined && outputs[0]?.dtype === inputs[0]?.dtype,
    run({ node, inputs, outputs, gpu }) {
      const x = inputs[0]!;
      const type = wgslFloat(x.dtype, gpu.f16)!;
      const pipeline = gpu.pipeline(`${node.opType}:${type}`, () =>
        `${prelude(type)}
struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xs: array<${type}>;
@group(0) @binding(2) var<storage, read_write> ys: array<${type}>;
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = ${FLAT_INDEX};
  if (i >= p.n) { return; }
  let x = xs[i];
  ys[i] = ${expression};
}`);
      gpu.dispatch(pipeline, new Params().u32(x.size), [x.gpu, outputs[0].gpu], gridFor(x.size));
    },
  };
}

/** Kernels by op name. */
export const MATH_GPU_KERNELS: GpuKernelTable = {
  Relu: unary("max(x, 0.0)"),
};
