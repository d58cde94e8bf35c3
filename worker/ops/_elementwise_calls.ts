/**
 * How the elementwise bindings call their kernels: broadcast plans, and the unary and
 * cast calls other bindings build on.
 * @module
 */
import { type DType, dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import type { KernelCall, Kernels } from "../../kernels/mod.ts";
import type { KernelArgs } from "./kernel.ts";
import { partCount, ranges } from "./_parts.ts";

/**
 * Output elements each part of an elementwise call split over the intra-op threads must
 * reach (some 10 µs of work: a handoff costs a few µs).
 */
const MIN_PART_ELEMENTS = 1 << 15;

/** A tensor's place in the arena, as a kernel sees it. */
export interface Operand {
  ptr: number;
  size: number;
  dims: readonly number[];
}

/** What a broadcasting kernel walks: `plan` is the dims, then each operand's strides. */
export interface BroadcastPlan {
  rank: number;
  plan: number[];
}

/**
 * Plans operands broadcast into `out`: size-1 output dims are dropped and each dim is
 * merged into its outer neighbour where every operand steps through the two as one, so
 * same-shape, scalar and per-channel cases reach the kernel as one long innermost row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * // A [C,1,1] bias against [N,C,H,W]: the bias repeats along the merged H·W row.
 * assert.deepEqual(broadcastPlan([2, 3, 4, 5], [[2, 3, 4, 5], [3, 1, 1]]), {
 *   rank: 3,
 *   plan: [2, 3, 20, 60, 20, 1, 0, 1, 0],
 * });
 * ```
 */
export function broadcastPlan(
  out: readonly number[],
  operands: readonly (readonly number[])[],
): BroadcastPlan {
  const strides = operands.map((dims) => alignedStrides(dims, out.length));
  const dims: number[] = [];
  const merged: number[][] = operands.map(() => []);
  out.forEach((d, axis) => {
    if (d === 1) return;
    const last = dims.length - 1;
    const joins = last >= 0 && strides.every((s, k) => merged[k][last] === s[axis] * d);
    if (joins) dims[last] *= d;
    else dims.push(d);
    merged.forEach((m, k) => (m[joins ? last : m.length] = strides[k][axis]));
  });
  if (dims.length === 0) {
    dims.push(1);
    merged.forEach((m) => m.push(0));
  }
  return { rank: dims.length, plan: [...dims, ...merged.flat()] };
}

/** Row-major strides of `dims` right-aligned to `rank` dims, 0 where a dim repeats. */
function alignedStrides(dims: readonly number[], rank: number): number[] {
  const strides = new Array<number>(rank).fill(0);
  let step = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    if (dims[i] !== 1) strides[i + rank - dims.length] = step;
    step *= dims[i];
  }
  return strides;
}

/**
 * Calls a broadcasting kernel: `head` (type and op codes), then each operand's pointer
 * and size, the output's, and the plan. Given the operands' and output's element `bytes`,
 * a large call is split over the intra-op threads along the plan's outermost dim.
 */
export function callBroadcast(
  { kernels, i32s }: KernelArgs,
  name: string,
  head: readonly number[],
  operands: readonly Operand[],
  y: Operand,
  bytes?: readonly number[],
): void {
  const { rank, plan } = broadcastPlan(y.dims, operands.map((o) => o.dims));
  const count = bytes ? partCount(y.size, plan[0], kernels.threads, MIN_PART_ELEMENTS) : 1;
  if (count < 2) {
    const sizes = operands.flatMap((o) => [o.ptr, o.size]);
    kernels.call(name, ...head, ...sizes, y.ptr, y.size, i32s(plan), rank);
    return;
  }
  const row = y.size / plan[0];
  const calls = ranges(plan[0], count).map(([u0, u1]): KernelCall => {
    const sizes = operands.flatMap((o, k) => {
      const skip = u0 * plan[rank * (k + 1)];
      return [o.ptr + skip * bytes![k], o.size - skip];
    });
    const part = [u1 - u0, ...plan.slice(1)];
    const out = [y.ptr + u0 * row * bytes![operands.length], (u1 - u0) * row];
    return { name, args: [...head, ...sizes, ...out, i32s(part), rank] };
  });
  kernels.parallel(calls);
}

/**
 * Runs unary op `code` (see `UNARY_CODES`) from `x` into `y`, both of type `dtype`; a large
 * call is split over the intra-op threads.
 */
export function callUnary(
  kernels: Kernels,
  code: number,
  dtype: DType,
  x: Operand,
  y: Operand,
  alpha = 0,
  beta = 0,
): void {
  const head = [dtypeToOnnx(dtype), code];
  const count = partCount(y.size, y.size, kernels.threads, MIN_PART_ELEMENTS);
  if (count < 2) {
    kernels.call("elementwise_unary", ...head, x.ptr, y.ptr, y.size, alpha, beta);
    return;
  }
  const bytes = dtypeBytes(dtype);
  kernels.parallel(
    ranges(y.size, count).map(([e0, e1]) => ({
      name: "elementwise_unary",
      args: [...head, x.ptr + e0 * bytes, y.ptr + e0 * bytes, e1 - e0, alpha, beta],
    })),
  );
}

/** Converts `x` of type `from` into `y` of type `to` (a copy when they are the same). */
export function callCast(kernels: Kernels, from: DType, to: DType, x: Operand, y: Operand): void {
  kernels.call("elementwise_cast", dtypeToOnnx(from), dtypeToOnnx(to), x.ptr, y.ptr, y.size);
}
