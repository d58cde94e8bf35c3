import assert from "node:assert/strict";
import { partition, PartitionError, type PartitionProblem, type WorkerSpeed } from "./partition.ts";

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function worker(id: string, speed: number, unsupported: string[] = []): WorkerSpeed {
  return { id, gflops: () => speed, supports: (op) => !unsupported.includes(op) };
}

/** Every contiguous split into stages on distinct workers: the true optimum. */
function bruteForce(p: PartitionProblem): number {
  const n = p.ops.length;
  const transfer = (c: number) => p.cutBytes[c] / p.linkBytesPerSec * 1000 + (p.hopMs ?? 0);
  const stageMs = (w: WorkerSpeed, a: number, b: number) => {
    let ms = 0;
    for (let i = a; i < b; i++) {
      if (!w.supports(p.ops[i])) return Infinity;
      ms += p.flops[i] / (w.gflops(p.ops[i], i) * 1e6);
    }
    const wire = (p.cutBytes[a] + p.cutBytes[b]) * (p.cpuMsPerByte ?? 0);
    return Math.max(ms + wire, transfer(a));
  };
  let best = Infinity;
  const go = (start: number, used: Set<WorkerSpeed>, worst: number) => {
    if (start === n) {
      if (p.stages === undefined || used.size === p.stages) {
        best = Math.min(best, Math.max(worst, transfer(n)));
      }
      return;
    }
    for (const w of p.workers) {
      if (used.has(w)) continue;
      for (let end = start + 1; end <= n; end++) {
        if (end < n && p.uncuttable?.has(end)) continue;
        go(end, new Set([...used, w]), Math.max(worst, stageMs(w, start, end)));
      }
    }
  };
  go(0, new Set(), 0);
  return best;
}

Deno.test("partition() matches brute force on random small graphs with a fixed stage count", () => {
  const random = rng(42);
  for (let trial = 0; trial < 60; trial++) {
    const n = 2 + Math.floor(random() * 6);
    const workerCount = 1 + Math.floor(random() * 3);
    const workers = Array.from(
      { length: workerCount },
      (_, i) => worker(`w${i}`, 0.5 + random() * 4, random() < 0.2 ? ["C"] : []),
    );
    const problem: PartitionProblem = {
      ops: Array.from({ length: n }, () => "ABC"[Math.floor(random() * 3)]),
      flops: Array.from({ length: n }, () => random() * 1e7),
      cutBytes: Array.from({ length: n + 1 }, () => random() * 1e6),
      workers,
      linkBytesPerSec: 1e8 + random() * 1e9,
      hopMs: random(),
      cpuMsPerByte: random() < 0.5 ? 0 : random() * 1e-5,
      uncuttable: new Set(
        Array.from({ length: n - 1 }, (_, i) => i + 1).filter(() => random() < 0.3),
      ),
      stages: 1 + Math.floor(random() * workerCount),
    };
    const expected = bruteForce(problem);
    if (expected === Infinity) {
      assert.throws(() => partition(problem), PartitionError);
      continue;
    }
    const got = partition(problem);
    assert.ok(
      Math.abs(got.bottleneckMs - expected) < 1e-9 * Math.max(1, expected),
      `trial ${trial}`,
    );
    assert.equal(got.stages.length, problem.stages);
    assert.equal(new Set(got.stages.map((s) => s.worker)).size, got.stages.length);
    assert.deepEqual(got.stages.map((s) => s.start), [
      0,
      ...got.stages.slice(0, -1).map((s) => s.end),
    ]);
  }
});

Deno.test("partition() puts an op on a worker that supports it", () => {
  const p = partition({
    ops: ["Conv", "LSTM", "Conv"],
    flops: [1e6, 1e6, 1e6],
    cutBytes: [0, 0, 0, 0],
    workers: [worker("gpu", 10, ["LSTM"]), worker("cpu", 1)],
    linkBytesPerSec: 1e9,
  });
  for (const s of p.stages) {
    if (s.start <= 1 && s.end > 1) assert.equal(s.worker, "cpu");
  }
});

Deno.test("partition() keeps one stage when a cut costs more than it saves", () => {
  const p = partition({
    ops: ["A", "B"],
    flops: [1e6, 1e6],
    cutBytes: [0, 1e9, 0],
    workers: [worker("a", 1), worker("b", 1)],
    linkBytesPerSec: 1e8,
  });
  assert.equal(p.stages.length, 1);
});

Deno.test("partition() splits balanced work over equal workers when the link is fast", () => {
  const p = partition({
    ops: Array(8).fill("A"),
    flops: Array(8).fill(1e7),
    cutBytes: Array(9).fill(1000),
    workers: [worker("a", 1), worker("b", 1)],
    linkBytesPerSec: 1e9,
  });
  assert.deepEqual(p.stages.map((s) => [s.start, s.end]), [[0, 4], [4, 8]]);
});

Deno.test("partition() prefers a cut with fewer live bytes when moving bytes costs CPU", () => {
  const problem = {
    ops: Array(4).fill("A"),
    flops: [1e7, 1e7, 1e7, 1e7],
    // The balanced cut (2) carries 10 MB; cut 1 carries 1 kB.
    cutBytes: [0, 1e3, 1e7, 1e3, 0],
    workers: [worker("a", 1), worker("b", 1)],
    linkBytesPerSec: 1e10,
    stages: 2,
  };
  const cut = (cpuMsPerByte: number) => partition({ ...problem, cpuMsPerByte }).stages[0].end;
  assert.equal(cut(0), 2);
  assert.equal(cut(2e-6), 1);
});

Deno.test("partition() never cuts where the engine fuses nodes", () => {
  const p = partition({
    ops: Array(4).fill("A"),
    flops: Array(4).fill(1e7),
    cutBytes: Array(5).fill(0),
    workers: [worker("a", 1), worker("b", 1)],
    linkBytesPerSec: 1e9,
    stages: 2,
    uncuttable: new Set([2]),
  });
  assert.notEqual(p.stages[0].end, 2);
});

Deno.test("partition() rejects a graph with an op no worker runs", () => {
  assert.throws(
    () =>
      partition({
        ops: ["X"],
        flops: [1],
        cutBytes: [0, 0],
        workers: [worker("a", 1, ["X"])],
        linkBytesPerSec: 1e9,
      }),
    PartitionError,
  );
});
