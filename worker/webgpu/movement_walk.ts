/**
 * The one strided-copy kernel most movement ops reduce to: each output position of a
 * rank-N walk reads the source at `srcOffset + Σ c·srcStride` and writes the destination at
 * `dstOffset + Σ c·dstStride`. Walks are simplified first (unit dims dropped, contiguous
 * dims merged), so most copies run with rank 1 to 3.
 * @module
 */
import { gridFor, Params } from "./device.ts";
import type { GpuKernelArgs } from "./kernel.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { StridedCopy } from "../ops/movement_plans.ts";
import { eachAxis, elementOf, flatShader, pushVec4s, slotsFor, word } from "./movement_common.ts";

/**
 * `w` with unit dims dropped and neighbours merged where both buffers step through them
 * contiguously; the same positions in the same order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const w = simplifyWalk({
 *   srcOffset: 0, dstOffset: 0, dims: [2, 1, 3], srcStrides: [3, 3, 1], dstStrides: [3, 3, 1],
 * });
 * assert.deepEqual([w.dims, w.srcStrides, w.dstStrides], [[6], [1], [1]]);
 * ```
 */
export function simplifyWalk(w: StridedCopy): StridedCopy {
  const dims: number[] = [], src: number[] = [], dst: number[] = [];
  w.dims.forEach((d, k) => {
    if (d === 1) return;
    const last = dims.length - 1;
    const s = w.srcStrides[k], t = w.dstStrides[k];
    if (last >= 0 && src[last] === s * d && dst[last] === t * d) {
      dims[last] *= d;
      src[last] = s;
      dst[last] = t;
    } else {
      dims.push(d);
      src.push(s);
      dst.push(t);
    }
  });
  return { ...w, dims, srcStrides: src, dstStrides: dst };
}

/** Records one dispatch copying the positions of walk `w` from `src` to `dst`. */
export function copyWalk(
  args: GpuKernelArgs<unknown>,
  src: RuntimeTensor,
  dst: RuntimeTensor,
  walk: StridedCopy,
): void {
  const w = simplifyWalk(walk), n = w.dims.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const type = elementOf(args), slots = slotsFor(w.dims.length);
  const pipeline = args.gpu.pipeline(`movement.walk:${type}:${slots}`, () =>
    flatShader(
      type,
      `rank: u32, src: i32, dst: u32,
  dims: array<vec4u, ${slots}>, ss: array<vec4i, ${slots}>, ds: array<vec4u, ${slots}>`,
      [
        { name: "xs", type: `array<${type}>` },
        { name: "ys", type: `array<${type}>`, write: true },
      ],
      `  var s = p.src;
  var d = p.dst;
${
        eachAxis(`    s += i32(c) * ${word("ss", "a")};
    d += c * ${word("ds", "a")};`)
      }
  ys[d] = xs[u32(s)];`,
    ));
  const params = new Params().u32(n).u32(w.dims.length).i32(w.srcOffset).u32(w.dstOffset);
  pushVec4s(params, "u32", w.dims, slots);
  pushVec4s(params, "i32", w.srcStrides, slots);
  pushVec4s(params, "u32", w.dstStrides, slots);
  args.gpu.dispatch(pipeline, params, [src.gpu, dst.gpu], gridFor(n));
}
