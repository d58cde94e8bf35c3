/**
 * WASM bindings of MatMul and Gemm: both become one batched GEMM call described by
 * `[m, k, n, A strides, B strides, C strides, Y row stride, (A offset, B offset) per batch]`.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import { sizeOf } from "../../graph/ir.ts";
import type { GemmParams } from "../../graph/ops/nn_gemm.ts";
import { type Activation, NO_ACTIVATION } from "../../graph/ops/nn_fused.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";
import { asF32, f32Output } from "./_f32.ts";
import { gemmOnThreads, MR, NR } from "./nn_threads.ts";

/** One batched GEMM: Y[i] = alpha · A[i]·B[i] + beta · C. */
interface GemmCall {
  m: number;
  k: number;
  n: number;
  /** Row and column strides of A, B and C (C's are 0 along broadcast axes). */
  strides: [number, number, number, number, number, number];
  /** Element offsets of A and B per batch. */
  offsets: number[];
  a: RuntimeTensor;
  b: RuntimeTensor;
  c?: RuntimeTensor;
  y: RuntimeTensor;
  alpha: number;
  beta: number;
  activation?: Activation;
}

/** The exact-arithmetic kernel of each non-f32 type (unsigned types share the bits). */
const REFERENCE: Partial<Record<DType, string>> = {
  float64: "gemm_f64",
  int32: "gemm_i32",
  uint32: "gemm_i32",
  int64: "gemm_i64",
  uint64: "gemm_i64",
};

/** Floats of scratch the packed f32 GEMM needs for an m×k by k×n product. */
export function gemmScratch(args: KernelArgs, m: number, k: number, n: number): number {
  const slot = args.i32s([0]);
  args.kernels.call("gemm_scratch_f32", m, k, n, slot);
  return new Int32Array(args.kernels.memory.buffer, slot, 1)[0];
}

function runGemm(args: KernelArgs, g: GemmCall): void {
  const desc = [g.m, g.k, g.n, ...g.strides, g.n, ...g.offsets];
  const d = args.i32s(desc);
  const reference = REFERENCE[g.a.dtype];
  if (reference) {
    const c = g.c ? [g.c.ptr, g.c.size] : [0, 0];
    args.kernels.call(
      reference,
      d,
      desc.length,
      g.a.ptr,
      g.a.size,
      g.b.ptr,
      g.b.size,
      ...c,
      g.y.ptr,
      g.y.size,
      g.alpha,
      g.beta,
    );
    return;
  }
  const [a, b] = [asF32(args, g.a), asF32(args, g.b)];
  const c = g.c ? [asF32(args, g.c), g.c.size] : [0, 0];
  const y = f32Output(args, g.y);
  const scratchLen = gemmScratch(args, g.m, g.k, g.n);
  const scratch = args.scratch(scratchLen * 4);
  const packed = packedB(args, g, d, desc.length, b);
  const right = packed ?? [b, g.b.size];
  gemmOnThreads(args, desc, [
    ...[d, desc.length, a, g.a.size, ...right, ...c, y.ptr, g.y.size],
    ...[g.alpha, g.beta, ...(g.activation ?? NO_ACTIVATION), scratch, scratchLen],
  ], packed ? "gemm_packed_b_f32" : "gemm_f32");
  y.commit();
}

/**
 * A constant B packed once into the GEMM's panels (`gemm_pack_b_f32`), as [offset,
 * floats], for a one-batch product of enough rows and columns that packing it per call
 * would show; else undefined.
 */
function packedB(
  args: KernelArgs,
  g: GemmCall,
  desc: number,
  descLen: number,
  b: number,
): [number, number] | undefined {
  if (!g.b.buffer.persistent || g.offsets.length !== 2 || g.m < 2 * MR || g.n < 2 * NR) {
    return undefined;
  }
  const kind = `gemm b ${g.k}×${g.n} strides ${g.strides[2]},${g.strides[3]} at ${g.offsets[1]}`;
  const floats = Math.ceil(g.n / NR) * NR * g.k;
  const offset = args.derived(g.b, kind, floats * 4, (at, kernels) => {
    kernels.call("gemm_pack_b_f32", desc, descLen, b, g.b.size, at, floats);
  });
  return [offset, floats];
}

/** `dims` with leading 1s up to `rank`. */
function padTo(dims: readonly number[], rank: number): number[] {
  return [...Array(rank - dims.length).fill(1), ...dims];
}

/** Row-major strides of `dims` with 0 where a dim is 1 (so it broadcasts). */
function broadcastStrides(dims: readonly number[]): number[] {
  const strides = dims.map(() => 0);
  for (let i = dims.length - 1, s = 1; i >= 0; s *= dims[i--]) strides[i] = dims[i] === 1 ? 0 : s;
  return strides;
}

/** Per output batch index, the element offsets of A and B (batch dims broadcast). */
function batchOffsets(
  batch: readonly number[],
  aBatch: readonly number[],
  bBatch: readonly number[],
  aBlock: number,
  bBlock: number,
): number[] {
  const rank = batch.length;
  const [sa, sb] = [aBatch, bBatch].map((d) => broadcastStrides(padTo(d, rank)));
  const offsets: number[] = [];
  const index = batch.map(() => 0);
  for (let i = 0; i < sizeOf(batch); i++) {
    offsets.push(
      index.reduce((o, x, j) => o + x * sa[j], 0) * aBlock,
      index.reduce((o, x, j) => o + x * sb[j], 0) * bBlock,
    );
    for (let j = index.length - 1; j >= 0 && ++index[j] === batch[j]; j--) index[j] = 0;
  }
  return offsets;
}

function matmul(args: KernelArgs): void {
  const [a, b] = args.inputs as RuntimeTensor[];
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [m, k] = ad.slice(-2), n = bd[bd.length - 1];
  const [aBatch, bBatch] = [ad.slice(0, -2), bd.slice(0, -2)];
  const call = { k, n, a, b, y: args.outputs[0], alpha: 1, beta: 1 };
  const strides: GemmCall["strides"] = [k, 1, n, 1, 0, 0];
  if (sizeOf(bBatch) === 1) {
    // B is shared by every batch: fold A's batch dims into its rows, one product.
    runGemm(args, { ...call, m: sizeOf(aBatch) * m, strides, offsets: [0, 0] });
    return;
  }
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch = padTo(aBatch, rank).map((x, i) => Math.max(x, padTo(bBatch, rank)[i]));
  const offsets = batchOffsets(batch, aBatch, bBatch, m * k, k * n);
  runGemm(args, { ...call, m, strides, offsets });
}

function gemm(args: KernelArgs<GemmParams>): void {
  const [a, b, c] = args.inputs as (RuntimeTensor | undefined)[];
  const { transA, transB, alpha, beta } = args.params;
  const [m, n] = args.outputs[0].dims;
  const k = transA ? a!.dims[0] : a!.dims[1];
  const useC = c !== undefined && beta !== 0;
  const cd = useC ? [1, 1, ...c.dims].slice(-2) : [1, 1];
  const strides: GemmCall["strides"] = [
    ...(transA ? [1, m] : [k, 1]) as [number, number],
    ...(transB ? [1, k] : [n, 1]) as [number, number],
    cd[0] === 1 ? 0 : cd[1],
    cd[1] === 1 ? 0 : 1,
  ];
  const call = { m, k, n, strides, offsets: [0, 0], a: a!, b: b!, y: args.outputs[0], alpha, beta };
  const activation = args.params.activation;
  runGemm(args, { ...call, c: useC ? c : undefined, activation });
}

/** Kernel bindings of MatMul and Gemm. */
export const GEMM_KERNELS = { MatMul: matmul, Gemm: gemm, FusedGemm: gemm };
