import { loadKernels } from "./kernels/mod.ts";
const k = await loadKernels();
const mem = k.memory; mem.grow(800);
let top = k.heapBase + 1024;
const alloc = (b: number) => { const p = top; top += Math.ceil(b / 64) * 64; return p; };
const C = 64, H = 112, W = 112;
const src = alloc(C * H * W * 4), mid = alloc(C * H * 2 * W * 4), out = alloc(C * 4 * H * W * 4);
new Float32Array(mem.buffer, src, C * H * W).forEach((_, i, a) => (a[i] = Math.random()));
const idxW = alloc(2 * W * 2 * 4), wW = alloc(2 * W * 2 * 8), idxH = alloc(2 * H * 2 * 4), wH = alloc(2 * H * 2 * 8);
k.call("resize_taps", 0, 0, -0.75, 0, 0, W, 2 * W, 2, 0, 1, 2, idxW, wW);
k.call("resize_taps", 0, 0, -0.75, 0, 0, H, 2 * H, 2, 0, 1, 2, idxH, wH);
function time(name: string, f: () => void) {
  let best = Infinity;
  for (let i = 0; i < 40; i++) { const t = performance.now(); f(); best = Math.min(best, performance.now() - t); }
  console.log(name.padEnd(22), best.toFixed(2), "ms");
}
time("W pass (dot)", () => k.call("resize_apply", 1, src, mid, C * H, W, 1, 2 * W, 2, idxW, wW, 0));
time("H pass (rows)", () => k.call("resize_apply", 1, mid, out, C, H, 2 * W, 2 * H, 2, idxH, wH, 0));
const walk = alloc(64);
new Int32Array(mem.buffer, walk, 9).set([C, H * W, 1, 1, C, 1, H * W, 1, 1].slice(0, 6).concat([C, 1, 0]).slice(0, 6));
new Int32Array(mem.buffer, walk, 6).set([H * W, C, 1, H * W, C, 1]);
time("transpose nchw->nhwc", () => k.call("movement_copy", 4, src, C * H * W, 0, mid, C * H * W, 0, 2, walk));
time("memcpy-ish", () => new Uint8Array(mem.buffer, mid, C * H * W * 4).set(new Uint8Array(mem.buffer, src, C * H * W * 4)));
