/**
 * WebGPU MatMul (numpy semantics: batch dims broadcast, 1-D operands promoted) and Gemm /
 * FusedGemm (transposes, alpha, beta, a broadcast C, an activation epilogue), both on the
 * shared GEMM core.
 * @module
 */
import type { GemmParams } from "../../graph/ops/nn_gemm.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { sameFloats } from "./nn_support.ts";
import { knownActivation } from "./nn_activation.ts";
import { type GemmProgram, runGemm } from "./nn_tiled.ts";
import { wgslFloat } from "./wgsl.ts";

/** Batch dims a MatMul shader walks (more are merged, or the node declined). */
const BATCH_SLOTS = 4;
/** The highest operand rank MatMul takes: two matrix dims and BATCH_SLOTS batch dims. */
const MAX_RANK = BATCH_SLOTS + 2;

/** Uniform fields both ops use: A's and B's row and column strides. */
const STRIDE_FIELDS = "sar: u32, sac: u32, sbr: u32, sbc: u32,";

const LOADS = `
fn loadA(base: u32, row: u32, col: u32) -> f32 { return f32(lhs[base + row * p.sar + col * p.sac]); }
fn loadB(base: u32, row: u32, col: u32) -> f32 { return f32(rhs[base + row * p.sbr + col * p.sbc]); }`;

/**
 * The batch dims of a numpy matmul as at most BATCH_SLOTS (dim, A stride, B stride)
 * triples, in elements: dims of 1 dropped, neighbours that step alike merged.
 * @param aBlock elements of one A matrix (m · k)
 * @param bBlock elements of one B matrix (k · n)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * // A [2, 3, m, k] against B [3, k, n]: A's batches merge, B repeats per outer batch.
 * assert.deepEqual(batchWalk([2, 3], [3], 12, 20), [[2, 36, 0], [3, 12, 20]]);
 * ```
 */
export function batchWalk(
  aBatch: readonly number[],
  bBatch: readonly number[],
  aBlock: number,
  bBlock: number,
): [number, number, number][] {
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (d: readonly number[]) => [...Array(rank - d.length).fill(1), ...d];
  const [a, b] = [pad(aBatch), pad(bBatch)];
  const walk: [number, number, number][] = [];
  let sa = aBlock, sb = bBlock;
  for (let i = rank - 1; i >= 0; i--) {
    const dim = Math.max(a[i], b[i]);
    const step: [number, number, number] = [dim, a[i] === 1 ? 0 : sa, b[i] === 1 ? 0 : sb];
    sa *= a[i];
    sb *= b[i];
    if (dim === 1) continue;
    const inner = walk[0];
    if (inner && step[1] === inner[1] * inner[0] && step[2] === inner[2] * inner[0]) {
      inner[0] *= dim;
    } else walk.unshift(step);
  }
  return walk;
}

const MATMUL_FUNCTIONS = `${LOADS}
fn batch(z: u32) -> vec2u {
  var rest = z;
  var base = vec2u(0u);
  for (var i = ${BATCH_SLOTS - 1}; i >= 0; i--) {
    let q = rest % p.dims[i];
    rest /= p.dims[i];
    base += q * vec2u(p.aStrides[i], p.bStrides[i]);
  }
  return base;
}
fn epilogue(z: u32, row: u32, col: u32, acc: f32) -> f32 { return acc; }`;

function runMatMul(args: GpuKernelArgs): void {
  const [a, b] = args.inputs as RuntimeTensor[];
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [m, k] = ad.slice(-2), n = bd[bd.length - 1];
  const walk = batchWalk(ad.slice(0, -2), bd.slice(0, -2), m * k, k * n);
  while (walk.length < BATCH_SLOTS) walk.unshift([1, 0, 0]);
  const program: GemmProgram = {
    key: "MatMul",
    type: wgslFloat(a.dtype, args.gpu.f16)!,
    fields: `dims: vec4u, aStrides: vec4u, bStrides: vec4u, ${STRIDE_FIELDS}`,
    push: (p) => {
      for (const slot of [0, 1, 2]) p.u32s(walk.map((w) => w[slot]));
      p.u32s([k, 1, n, 1]);
    },
    functions: MATMUL_FUNCTIONS,
    inputs: ["lhs", "rhs"],
  };
  const batches = walk.reduce((s, w) => s * w[0], 1);
  runGemm(args.gpu, program, { m, n, k, batches }, [a.gpu, b.gpu], args.outputs[0].gpu);
}

/** MatMul of float32 (and float16) operands of rank at most MAX_RANK. */
const MATMUL: GpuKernel = {
  supports: (q) =>
    sameFloats(q) &&
    q.inputs.slice(0, 2).every((t) => t?.dims !== undefined && t.dims.length <= MAX_RANK),
  run: runMatMul,
};

function gemmFunctions(withC: boolean): string {
  const c = withC ? " + p.beta * f32(cs[row * p.scr + col * p.scc])" : "";
  return `${LOADS}
fn batch(z: u32) -> vec2u { return vec2u(0u); }
fn epilogue(z: u32, row: u32, col: u32, acc: f32) -> f32 { return p.alpha * acc${c}; }`;
}

function runGemmOp(args: GpuKernelArgs<GemmParams>): void {
  const [a, b, c] = args.inputs;
  const { transA, transB, alpha, beta, activation } = args.params;
  const [m, n] = args.outputs[0].dims;
  const k = transA ? a!.dims[0] : a!.dims[1];
  const withC = c !== undefined && beta !== 0;
  const cd = withC ? [1, 1, ...c.dims].slice(-2) : [1, 1];
  const program: GemmProgram = {
    key: `Gemm:c${withC ? 1 : 0}`,
    type: wgslFloat(a!.dtype, args.gpu.f16)!,
    fields: `${STRIDE_FIELDS} scr: u32, scc: u32, alpha: f32, beta: f32,`,
    push: (p) =>
      p.u32s([...(transA ? [1, m] : [k, 1]), ...(transB ? [1, k] : [n, 1])])
        .u32s([cd[0] === 1 ? 0 : cd[1], cd[1] === 1 ? 0 : 1]).f32(alpha).f32(beta),
    functions: gemmFunctions(withC),
    inputs: withC ? ["lhs", "rhs", "cs"] : ["lhs", "rhs"],
    activation,
  };
  const buffers = [a!.gpu, b!.gpu, ...(withC ? [c.gpu] : [])];
  runGemm(args.gpu, program, { m, n, k, batches: 1 }, buffers, args.outputs[0].gpu);
}

/** Gemm and FusedGemm of float32 (and float16) matrices. */
const GEMM: GpuKernel<GemmParams> = {
  supports: (q) => sameFloats(q) && knownActivation(q.params.activation),
  run: runGemmOp,
};

/** Kernels of MatMul, Gemm and FusedGemm. */
export const GEMM_GPU_KERNELS = { MatMul: MATMUL, Gemm: GEMM, FusedGemm: GEMM };
