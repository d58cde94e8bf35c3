/**
 * WASM kernel bindings of the integer products. The binding resolves numpy batch
 * broadcasting into a table of operand batches and lays out the scratch the kernels pack
 * operands into; the kernels validate both.
 * @module
 */
import { dtypeToOnnx } from "../../graph/dtype.ts";
import { broadcastDims } from "../../graph/ops/_dims.ts";
import { convGeometry, type ConvParams } from "../../graph/ops/quant_integer.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { asF32 } from "./_f32.ts";

/** A factor's zero point and scale, each absent, single, or one per line. */
interface Params {
  zp?: RuntimeTensor;
  scale?: RuntimeTensor;
}

/** The kernels' factor array `[data, len, zp, len, zp_per_line, scale, len, scale_per_line]`. */
function factor(args: KernelArgs<unknown>, t: RuntimeTensor, p: Params, scaleF32 = 0): number {
  const perLine = (v?: RuntimeTensor) => (v && v.size > 1 ? 1 : 0);
  const { zp, scale } = p;
  return args.i32s([
    t.ptr,
    t.size,
    zp?.ptr ?? 0,
    zp?.size ?? 0,
    perLine(zp),
    scaleF32,
    scale?.size ?? 0,
    perLine(scale),
  ]);
}

/**
 * Scratch for packed operands: i32 A rows of k-pairs, i16 B panels of 16 columns (the
 * kernels' igemm layout) and, for QLinear ops, i32 sums.
 */
function packedScratch(args: KernelArgs<unknown>, m: number, k: number, n: number, acc: number) {
  const pairs = Math.ceil(k / 2);
  const a = m * pairs, b = Math.ceil(n / 16) * pairs * 32;
  return args.i32s([args.scratch(a * 4), a, args.scratch(b * 2), b, args.scratch(acc * 4), acc]);
}

/** The batch dims a factor's params vary over, and the length of one line's params. */
function paramBatch(p: Params, lines: number, row: boolean): number[] {
  const t = p.zp ?? p.scale;
  if (!t || t.size <= 1 || t.dims.length <= 1) return [];
  const [r, c] = t.dims.slice(-2);
  if ((row ? r : c) !== lines || (row ? c : r) !== 1) {
    throw new RangeError(`quantization parameter shape [${t.dims}] does not fit ${lines} lines`);
  }
  return t.dims.slice(0, -2);
}

/** Index into `dims` (right-aligned, size-1 axes broadcast) of output batch `idx`. */
function batchIndex(idx: readonly number[], dims: readonly number[]): number {
  let flat = 0;
  const skip = idx.length - dims.length;
  dims.forEach((d, i) => (flat = flat * d + (d === 1 ? 0 : idx[skip + i])));
  return flat;
}

/**
 * The product's sizes and its batch table: per output batch, the A and B matrices and the
 * element offsets of A's and B's parameters.
 */
function matmulPlan(a: RuntimeTensor, b: RuntimeTensor, ap: Params, bp: Params) {
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [m, k, n] = [ad[ad.length - 2], ad[ad.length - 1], bd[bd.length - 1]];
  const aBatch = ad.slice(0, -2), bBatch = bd.slice(0, -2);
  const apBatch = paramBatch(ap, m, true), bpBatch = paramBatch(bp, n, false);
  const out = broadcastDims([aBatch, bBatch, apBatch, bpBatch]) as number[] | undefined;
  if (!out) throw new RangeError(`batch shapes of [${a.dims}] and [${b.dims}] do not broadcast`);
  const table: number[] = [];
  const idx = out.map(() => 0);
  const count = out.reduce((x, y) => x * y, 1);
  for (let i = 0; i < count; i++) {
    table.push(
      batchIndex(idx, aBatch),
      batchIndex(idx, bBatch),
      batchIndex(idx, apBatch) * m,
      batchIndex(idx, bpBatch) * n,
    );
    for (let d = out.length - 1; d >= 0 && ++idx[d] === out[d]; d--) idx[d] = 0;
  }
  return { m, k, n, count, table };
}

function matmulInteger(args: KernelArgs): void {
  const { inputs: [a, b, az, bz], outputs: [y], kernels } = args;
  const ap = { zp: az }, bp = { zp: bz };
  const { m, k, n, count, table } = matmulPlan(a!, b!, ap, bp);
  kernels.call(
    "quant_matmul_integer",
    factor(args, a!, ap),
    dtypeToOnnx(a!.dtype),
    factor(args, b!, bp),
    dtypeToOnnx(b!.dtype),
    args.i32s([m, k, n, count]),
    args.i32s(table),
    packedScratch(args, m, k, n, 0),
    y.ptr,
  );
}

function qlinearMatMul(args: KernelArgs): void {
  const { inputs: [a, as, az, b, bs, bz, ys, yz], outputs: [y], kernels } = args;
  const ap = { zp: az, scale: as }, bp = { zp: bz, scale: bs };
  const { m, k, n, count, table } = matmulPlan(a!, b!, ap, bp);
  kernels.call(
    "quant_qlinear_matmul",
    factor(args, a!, ap, asF32(args, as!)),
    dtypeToOnnx(a!.dtype),
    factor(args, b!, bp, asF32(args, bs!)),
    dtypeToOnnx(b!.dtype),
    args.i32s([m, k, n, count]),
    args.i32s(table),
    packedScratch(args, m, k, n, m * n),
    y.ptr,
    dtypeToOnnx(y.dtype),
    asF32(args, ys!),
    yz?.ptr ?? 0,
  );
}

/**
 * The kernels' convolution array `[batch, c_in, c_out, group, rank, input.., kernel..,
 * output.., strides.., pads.., dilations..]` and its packed scratch.
 */
function convPlan(args: KernelArgs<ConvParams>, x: RuntimeTensor, w: RuntimeTensor, acc: boolean) {
  const { group } = args.params;
  const space = x.dims.slice(2);
  const g = convGeometry(args.params, space, w.dims.slice(2));
  const cfg = args.i32s([
    x.dims[0],
    x.dims[1],
    w.dims[0],
    group,
    space.length,
    ...space,
    ...g.kernel,
    ...g.output,
    ...g.strides,
    ...g.pads,
    ...g.dilations,
  ]);
  const depth = w.size / w.dims[0], outSize = g.output.reduce((p, d) => p * d, 1);
  const m = w.dims[0];
  return { cfg, scratch: packedScratch(args, m, depth, outSize, acc ? m * outSize : 0) };
}

function convInteger(args: KernelArgs<ConvParams>): void {
  const { inputs: [x, w, xz, wz], outputs: [y], kernels } = args;
  const { cfg, scratch } = convPlan(args, x!, w!, false);
  const xf = factor(args, x!, { zp: xz }), wf = factor(args, w!, { zp: wz });
  const codes = [dtypeToOnnx(x!.dtype), dtypeToOnnx(w!.dtype)];
  kernels.call("quant_conv_integer", xf, codes[0], wf, codes[1], cfg, scratch, y.ptr);
}

function qlinearConv(args: KernelArgs<ConvParams>): void {
  const { inputs: [x, xs, xz, w, ws, wz, ys, yz, bias], outputs: [y], kernels } = args;
  const { cfg, scratch } = convPlan(args, x!, w!, true);
  kernels.call(
    "quant_qlinear_conv",
    factor(args, x!, { zp: xz, scale: xs }, asF32(args, xs!)),
    dtypeToOnnx(x!.dtype),
    factor(args, w!, { zp: wz, scale: ws }, asF32(args, ws!)),
    dtypeToOnnx(w!.dtype),
    cfg,
    scratch,
    bias?.ptr ?? 0,
    bias?.size ?? 0,
    y.ptr,
    dtypeToOnnx(y.dtype),
    asF32(args, ys!),
    yz?.ptr ?? 0,
  );
}

/** Kernel bindings of the integer products. */
export const QUANT_INTEGER_KERNELS: KernelTable = {
  MatMulInteger: matmulInteger,
  QLinearMatMul: qlinearMatMul,
  ConvInteger: convInteger,
  QLinearConv: qlinearConv,
};
