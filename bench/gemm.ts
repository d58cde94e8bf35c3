/**
 * `deno run -A bench/gemm.ts [SIZE...]`: GFLOP/s of the packed f32 GEMM kernel on square
 * products (default 64, 128, 256, 512, 1024), one thread, against this machine's WASM SIMD
 * peak, measured in the same run ({@linkcode simdPeakGflops}).
 * @module
 */
import { type Kernels, loadKernels } from "../kernels/mod.ts";
import { encodeModel } from "../graph/encode_model.ts";
import type { Model } from "../graph/ir.ts";
import { Tensor } from "../graph/tensor.ts";
import { InferenceSession } from "../worker/session.ts";
import { timeIt } from "./stats.ts";

/**
 * This core's f32 WASM SIMD peak in GFLOP/s: the best of five timed runs of
 * `simd_peak_probe_f32`, independent vector multiply-add chains with no memory access
 * (2 flops × 4 lanes each; fused where the build has relaxed-SIMD). Measured rather than
 * assumed, since the clock and the core differ from machine to machine.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadKernels } from "../kernels/mod.ts";
 * assert.ok(simdPeakGflops(await loadKernels(), 1e5) > 0);
 * ```
 */
export function simdPeakGflops(kernels: Kernels, rounds = 2e7): number {
  const out = (kernels.heapBase + 63) & ~63;
  kernels.call("simd_peak_probe_f32", rounds / 10, out);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    kernels.call("simd_peak_probe_f32", rounds, out);
    best = Math.min(best, performance.now() - start);
  }
  const flopsPerRound = new Float32Array(kernels.memory.buffer, out, 2)[1];
  return (rounds * flopsPerRound) / (best * 1e6);
}

/** Median GFLOP/s of `gemm_f32` on an m×k by k×n product. */
export function gemmGflops(kernels: Kernels, m: number, k: number, n: number): number {
  const memory = kernels.memory;
  const floats = m * k + k * n + m * n + 16 + 2 * 1024 * 1024;
  const base = (kernels.heapBase + 63) & ~63;
  const need = base + floats * 4 - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  const [a, b, y, desc, scratch] = [base, base + m * k * 4, base + (m * k + k * n) * 4]
    .concat([base + (m * k + k * n + m * n) * 4])
    .concat([base + (m * k + k * n + m * n + 16) * 4]);
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < m * k + k * n; i++) f32[a / 4 + i] = Math.random() - 0.5;
  new Int32Array(memory.buffer, desc, 12).set([m, k, n, k, 1, n, 1, 0, 0, n, 0, 0]);
  new Int32Array(memory.buffer, scratch, 1).set([0]);
  kernels.call("gemm_scratch_f32", m, k, n, scratch);
  const scratchLen = new Int32Array(memory.buffer, scratch, 1)[0];
  const run = () =>
    kernels.call(
      "gemm_f32",
      ...[desc, 12, a, m * k, b, k * n, 0, 0, y, m * n, 1, 1, 0, 0, 0, scratch, scratchLen],
    );
  run();
  const flops = 2 * m * k * n;
  const reps = Math.max(3, Math.ceil(2e9 / flops));
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) run();
    times.push((performance.now() - start) / reps);
  }
  times.sort((x, y) => x - y);
  return flops / (times[3] * 1e6);
}

/** Prints GEMM GFLOP/s for square sizes, then conv layers through a session. */
export async function benchGemm(sizes = [64, 128, 256, 512, 1024]): Promise<void> {
  const kernels = await loadKernels();
  const peak = simdPeakGflops(kernels);
  console.log(
    `relaxed-simd: ${kernels.relaxed}; peak ${peak.toFixed(1)} GFLOP/s per core (measured)`,
  );
  for (const s of sizes) {
    const g = gemmGflops(kernels, s, s, s);
    const pct = (100 * g / peak).toFixed(0);
    console.log(`gemm ${s}×${s}×${s}: ${g.toFixed(1)} GFLOP/s (${pct}% of peak)`);
  }
  for (const layer of CONV_LAYERS) {
    const g = await convGflops(layer);
    const pct = (100 * g / peak).toFixed(0);
    // FLOPs are counted as a direct convolution does them; Winograd does fewer, so a
    // 3×3 layer can pass the peak.
    console.log(`conv ${layer.label}: ${g.toFixed(1)} GFLOP/s direct-equivalent (${pct}% of peak)`);
  }
}

/** A conv layer to time: channels in/out, spatial size, kernel, group. */
interface ConvLayer {
  label: string;
  c: number;
  m: number;
  hw: number;
  k: number;
  group: number;
}

const CONV_LAYERS: ConvLayer[] = [
  { label: "3×3 64→64 @56²", c: 64, m: 64, hw: 56, k: 3, group: 1 },
  { label: "1×1 192→192 @40²", c: 192, m: 192, hw: 40, k: 1, group: 1 },
  { label: "depthwise 3×3 96 @80²", c: 96, m: 96, hw: 80, k: 3, group: 96 },
];

/** GFLOP/s of one Conv node run through an InferenceSession. */
async function convGflops(l: ConvLayer): Promise<number> {
  const w = new Float32Array(l.m * (l.c / l.group) * l.k * l.k).fill(0.01);
  const pad = (l.k - 1) / 2;
  const model: Model = {
    irVersion: 8,
    opsets: new Map([["", 13]]),
    producerName: "bench",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: "conv",
      nodes: [{
        name: "conv",
        opType: "Conv",
        domain: "",
        inputs: ["x", "w"],
        outputs: ["y"],
        attributes: new Map([
          ["pads", { kind: "ints", value: [pad, pad, pad, pad] }],
          ["group", { kind: "int", value: l.group }],
        ]),
      }],
      inputs: [{ name: "x", dtype: "float32", dims: [1, l.c, l.hw, l.hw] }],
      outputs: [{ name: "y", dtype: "float32" }],
      initializers: new Map([["w", {
        dtype: "float32",
        dims: [l.m, l.c / l.group, l.k, l.k],
        data: w,
      }]]),
      valueInfo: new Map(),
    },
  };
  const session = await InferenceSession.create(encodeModel(model));
  const x = new Tensor("float32", new Float32Array(l.c * l.hw * l.hw).fill(0.5), [
    1,
    l.c,
    l.hw,
    l.hw,
  ]);
  const { medianMs } = await timeIt(() => session.run({ x }), { budgetMs: 500 });
  session.release();
  const flops = 2 * l.m * (l.c / l.group) * l.k * l.k * l.hw * l.hw;
  return flops / (medianMs * 1e6);
}

if (import.meta.main) await benchGemm(Deno.args.length ? Deno.args.map(Number) : undefined);
