/**
 * Intra-op threading of the f32 GEMM and Conv kernels: a call big enough to pay for the
 * handoff is cut into independent calls over disjoint output blocks, found by pointer
 * arithmetic on the kernel's own arguments (whole images, whole groups, or runs of output
 * channels / rows), and run on all threads with `Kernels.parallel`. With one thread the
 * call goes straight to the kernel.
 * @module
 */
import type { KernelArgs } from "./kernel.ts";
import { partCount, ranges } from "./_parts.ts";

/**
 * Floating-point operations each part must reach (about 25 µs of work): a handoff
 * to a spinning thread costs a few µs, to one blocked in `Atomics.wait` up to 100 µs.
 */
const MIN_PART_FLOPS = 1 << 18;
/** Rows of the GEMM micro-kernel's tile: row blocks are whole tiles. */
export const MR = 4;
/** Columns of the GEMM micro-kernel's tile: a packed B is whole panels of them. */
export const NR = 8;
/** Output pixels per row of a 1×1 convolution's image seen as rows to split. */
const POINTWISE_ROW = 8;

/**
 * One operand's element range in a part: where the operand's pointer sits in the kernel's
 * argument list (its length follows), the part's offset from the whole call's pointer, and
 * its length (-1: the rest).
 */
type Span = [at: number, offset: number, length: number];

/** A part of a split call: its descriptor and the spans its operands narrow to. */
interface Part {
  desc: number[];
  spans: Span[];
}

/**
 * Pointer positions in conv_f32's arguments: desc, desc_len, x, x_len, w, w_len, bias,
 * bias_len, y, y_len, act×3, scratch, scratch_len.
 */
const CONV = { x: 2, w: 4, bias: 6, y: 8, scratch: 13 } as const;
/** Scratch position in conv_transpose_f32's arguments (conv_f32's, less the activation). */
const CONV_TRANSPOSE_SCRATCH = 10;
/**
 * Pointer positions in gemm_f32's arguments: desc, desc_len, a, a_len, b, b_len, c, c_len,
 * y, y_len, alpha, beta, act×3, scratch, scratch_len.
 */
const GEMM = { a: 2, b: 4, c: 6, y: 8, scratch: 15 } as const;
/** Entries of a GEMM descriptor before its (A offset, B offset) pairs. */
const GEMM_HEAD = 10;

/**
 * Calls `conv_f32` with `call` (its argument list; `desc` is what `call[0]` points at),
 * split over the session's threads when it pays.
 * @throws {KernelError} when a part fails
 */
export function convOnThreads(args: KernelArgs, desc: readonly number[], call: number[]): void {
  const threads = args.kernels.threads;
  const rowUnit = () => queryKernel(args, "conv_row_unit_f32", call[0], desc.length);
  runConv(args, false, call, threads > 1 ? splitConv(desc, threads, rowUnit) : undefined);
}

/**
 * Calls `conv_transpose_f32` with `call` (its argument list; `desc` is what `call[0]`
 * points at), split over the session's threads by runs of output channels when it pays
 * (ungrouped only: each part writes its own channels' planes, whole tensors otherwise).
 * @throws {KernelError} when a part fails
 */
export function convTransposeOnThreads(
  args: KernelArgs,
  desc: readonly number[],
  call: number[],
): void {
  const [batch, cin, cout, group] = desc;
  const [inSize, ks] = [4, 10].map((i) => desc[i] * desc[i + 1] * desc[i + 2]);
  const work = 2 * batch * cin * cout * ks * inSize;
  const count = group === 1 ? partCount(work, cout, args.kernels.threads, MIN_PART_FLOPS) : 1;
  const parts = count < 2 ? undefined : ranges(cout, count).map(([c0, c1]): Part => ({
    desc: [...desc, c0, c1],
    spans: [],
  }));
  runConv(args, true, call, parts);
}

/** Calls conv_f32 or conv_transpose_f32 once, or as `parts` on the threads. */
function runConv(args: KernelArgs, transpose: boolean, call: number[], parts?: Part[]): void {
  const kernel = transpose ? "conv_transpose_f32" : "conv_f32";
  if (!parts) {
    args.kernels.call(kernel, ...call);
    return;
  }
  const scratchAt = transpose ? CONV_TRANSPOSE_SCRATCH : CONV.scratch;
  runParts(
    args,
    kernel,
    call,
    parts,
    scratchAt,
    (part, d) => queryKernel(args, "conv_scratch_f32", d, part.desc.length, transpose ? 1 : 0),
  );
}

/**
 * Calls `kernel` (`gemm_f32`, or `gemm_packed_b_f32` over a packed B, with the same
 * arguments) with `call` (its argument list; `desc` is what `call[0]` points at), split over
 * the session's threads when it pays.
 * @throws {KernelError} when a part fails
 */
export function gemmOnThreads(
  args: KernelArgs,
  desc: readonly number[],
  call: number[],
  kernel: "gemm_f32" | "gemm_packed_b_f32" = "gemm_f32",
): void {
  const parts = splitGemm(desc, args.kernels.threads, kernel === "gemm_packed_b_f32");
  if (!parts) args.kernels.call(kernel, ...call);
  else {
    runParts(
      args,
      kernel,
      call,
      parts,
      GEMM.scratch,
      (part) => queryKernel(args, "gemm_scratch_f32", ...part.desc.slice(0, 3)),
    );
  }
}

/**
 * Conv parts: whole images when there are several, else whole groups, else runs of
 * output rows (a 2-D image with at least two units of them, `rowUnit` rows each: each part
 * packs or transforms only the input its rows read), else runs of MR output channels.
 * Undefined when one call is better.
 */
function splitConv(
  whole: readonly number[],
  threads: number,
  rowUnit: () => number,
): Part[] | undefined {
  const desc = pointwiseRows(whole);
  const [batch, cin, cout, group] = desc;
  const [inSize, outSize, ks] = [4, 7, 10].map((i) => desc[i] * desc[i + 1] * desc[i + 2]);
  const [cinG, coutG] = [cin / group, cout / group];
  const work = 2 * batch * cout * cinG * ks * outSize;
  const [depth, height] = [desc[7], desc[8]];
  // 0: not split by rows (several images or groups, or a 3-D image).
  const unit = batch === 1 && group === 1 && depth === 1 ? rowUnit() : 0;
  const byRows = unit > 0 && height >= 2 * unit;
  const units = batch > 1
    ? batch
    : group > 1
    ? group
    : byRows
    ? Math.ceil(height / unit)
    : Math.ceil(cout / MR);
  const count = partCount(work, units, threads, MIN_PART_FLOPS);
  if (count < 2) return undefined;
  return ranges(units, count).map(([u0, u1]): Part => {
    if (byRows) {
      // Whole tensors; the kernel computes rows [r0, r1) of the output.
      return { desc: [...desc, u0 * unit, Math.min(u1 * unit, height)], spans: [] };
    }
    const d = [...desc];
    if (batch > 1) {
      d[0] = u1 - u0;
      const [x, y] = [cin * inSize, cout * outSize];
      return { desc: d, spans: [[CONV.x, u0 * x, d[0] * x], [CONV.y, u0 * y, d[0] * y]] };
    }
    // A run of groups (a group conv) or of output channels (group 1, coutG = cout).
    const [c0, c1] = group > 1 ? [u0 * coutG, u1 * coutG] : [u0 * MR, Math.min(u1 * MR, cout)];
    const groups = group > 1 ? u1 - u0 : 1;
    [d[1], d[2], d[3]] = [group > 1 ? groups * cinG : cin, c1 - c0, groups];
    const x0 = group > 1 ? u0 * cinG * inSize : 0;
    const k = cinG * ks;
    return {
      desc: d,
      spans: [
        [CONV.x, x0, d[1] * inSize],
        [CONV.w, c0 * k, d[2] * k],
        [CONV.bias, c0, d[2]],
        [CONV.y, c0 * outSize, d[2] * outSize],
      ],
    };
  });
}

/**
 * A 1×1 stride-1 unpadded convolution's descriptor with its image seen as rows of
 * POINTWISE_ROW pixels (each output pixel reads only its own input pixel, so any shape of
 * the same count computes the same), for parts finer than the image's own rows. Others as
 * they are.
 */
function pointwiseRows(desc: readonly number[]): readonly number[] {
  const pixels = desc[7] * desc[8] * desc[9];
  const same = (at: number, value: number) => [0, 1, 2].every((i) => desc[at + i] === value);
  const pointwise = same(10, 1) && same(13, 1) && same(19, 0) &&
    [0, 1, 2].every((i) => desc[4 + i] === desc[7 + i]);
  if (!pointwise || pixels % POINTWISE_ROW !== 0) return desc;
  const flat = [1, pixels / POINTWISE_ROW, POINTWISE_ROW];
  return [...desc.slice(0, 4), ...flat, ...flat, ...desc.slice(10)];
}

/**
 * GEMM parts: whole batches when there are several; else, for a B wider than A is tall,
 * runs of NR columns (each part reads its own band of B, where row parts would each read
 * all of it); else runs of MR rows. `packedB`: B is in NR-column panels.
 */
function splitGemm(
  desc: readonly number[],
  threads: number,
  packedB: boolean,
): Part[] | undefined {
  const [m, k, n, aRs, , , bCs, cRs, cCs, yRs] = desc;
  const batch = (desc.length - GEMM_HEAD) / 2;
  const byColumns = batch === 1 && n > m;
  const units = batch > 1 ? batch : byColumns ? Math.ceil(n / NR) : Math.ceil(m / MR);
  const count = partCount(2 * batch * m * k * n, units, threads, MIN_PART_FLOPS);
  if (count < 2) return undefined;
  return ranges(units, count).map(([u0, u1]): Part => {
    if (batch > 1) {
      const pairs = desc.slice(GEMM_HEAD + 2 * u0, GEMM_HEAD + 2 * u1);
      const d = [...desc.slice(0, GEMM_HEAD), ...pairs];
      return { desc: d, spans: [[GEMM.y, u0 * m * yRs, (u1 - u0) * m * yRs]] };
    }
    if (byColumns) {
      // Y keeps its row stride; the part writes columns [j0, j1) of each row.
      const [j0, j1] = [u0 * NR, Math.min(u1 * NR, n)];
      const b: Span = packedB
        ? [GEMM.b, j0 * k, Math.ceil((j1 - j0) / NR) * NR * k]
        : [GEMM.b, j0 * bCs, -1];
      return {
        desc: [m, k, j1 - j0, ...desc.slice(3)],
        spans: [b, [GEMM.c, j0 * cCs, -1], [GEMM.y, j0, -1]],
      };
    }
    const [i0, i1] = [u0 * MR, Math.min(u1 * MR, m)];
    return {
      desc: [i1 - i0, ...desc.slice(1)],
      spans: [[GEMM.a, i0 * aRs, -1], [GEMM.c, i0 * cRs, -1], [GEMM.y, i0 * yRs, -1]],
    };
  });
}

/**
 * Runs the parts on the threads, each with its own descriptor and scratch; part 0 reuses
 * the caller's scratch when it is large enough.
 */
function runParts(
  args: KernelArgs,
  kernel: string,
  call: readonly number[],
  parts: readonly Part[],
  scratchAt: number,
  scratchLen: (part: Part, desc: number) => number,
): void {
  const calls = parts.map((part, p) => {
    const own = [...call];
    own[0] = args.i32s(part.desc);
    own[1] = part.desc.length;
    for (const span of part.spans) narrow(own, span);
    const need = scratchLen(part, own[0]);
    if (p > 0 || need > call[scratchAt + 1]) {
      [own[scratchAt], own[scratchAt + 1]] = [args.scratch(need * 4), need];
    }
    return { name: kernel, args: own };
  });
  args.kernels.parallel(calls);
}

/** Narrows an operand of `call` to a span; an absent operand (length 0) stays absent. */
function narrow(call: number[], [at, offset, length]: Span): void {
  if (call[at + 1] === 0) return;
  call[at] += offset * 4;
  call[at + 1] = length < 0 ? call[at + 1] - offset : length;
}

/** What a kernel's query export (a scratch size, a row unit) writes for these arguments. */
function queryKernel(args: KernelArgs, kernel: string, ...sizes: number[]): number {
  const slot = args.i32s([0]);
  args.kernels.call(kernel, ...sizes, slot);
  return new Int32Array(args.kernels.memory.buffer, slot, 1)[0];
}
