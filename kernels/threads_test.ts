import assert from "node:assert/strict";
import { KernelError, type Kernels, loadKernels } from "./mod.ts";

/**
 * gemm_f32 arguments for 3 · 3 into slot `i` (a 1×1×1 product) with its own scratch;
 * `descLen` 11 (half an offset pair) makes the kernel reject its descriptor.
 */
function tinyGemm(k: Kernels, i: number, descLen = 12): { name: string; args: number[] } {
  const base = (k.heapBase + 63) & ~63;
  new Int32Array(k.memory.buffer, base, 12).set([1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0]);
  new Float32Array(k.memory.buffer, base + 64, 1)[0] = 3;
  const [a, y, scratch] = [base + 64, base + 128 + 4 * i, base + 4096 * (i + 1)];
  return {
    name: "gemm_f32",
    args: [base, descLen, a, 1, a, 1, 0, 0, y, 1, 1, 1, 0, 0, 0, scratch, 1024],
  };
}

/** What slot `i` holds. */
function slot(k: Kernels, i: number): number {
  return new Float32Array(k.memory.buffer, ((k.heapBase + 63) & ~63) + 128 + 4 * i, 1)[0];
}

Deno.test("Kernels.parallel runs every call once, more calls than threads included", async () => {
  const k = await loadKernels(3);
  try {
    assert.equal(k.threads, 3);
    k.memory.grow(4); // The calls' scratch lies above the stacks, where memory ends.
    const calls = Array.from({ length: 20 }, (_, i) => tinyGemm(k, i));
    for (let round = 0; round < 50; round++) {
      new Float32Array(k.memory.buffer, ((k.heapBase + 63) & ~63) + 128, 20).fill(0);
      k.parallel(calls);
      assert.deepEqual(calls.map((_, i) => slot(k, i)), calls.map(() => 9));
    }
    assert.throws(() => k.parallel(Array.from({ length: 65 }, () => tinyGemm(k, 0))), RangeError);
  } finally {
    k.close();
  }
});

Deno.test("Kernels.parallel names the kernel that failed or trapped on any thread", async () => {
  const k = await loadKernels(2);
  try {
    assert.throws(
      () => k.parallel([tinyGemm(k, 0), tinyGemm(k, 1, 11)]),
      (e) => e instanceof KernelError && e.kernel === "gemm_f32" && e.status === 1,
    );
    const trap = tinyGemm(k, 1);
    trap.args[4] = 2 ** 32 - 64; // B past the end of memory: the load traps.
    assert.throws(
      () => k.parallel([tinyGemm(k, 0), trap]),
      (e) => e instanceof KernelError && /trapped/.test(e.message),
    );
    // The pool still works after a failure.
    k.parallel([tinyGemm(k, 0), tinyGemm(k, 1)]);
  } finally {
    k.close();
  }
});

Deno.test("loadKernels rejects a thread count below 1", async () => {
  await assert.rejects(() => loadKernels(0), RangeError);
});
