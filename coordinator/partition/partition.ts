/**
 * Cuts a topologically ordered graph into contiguous pipeline stages and places each on a
 * distinct worker, minimizing the pipeline's bottleneck: the slowest of every stage's busy
 * time and every cut's transfer time (all values live across it, skip connections
 * included). A stage is busy computing and also encoding and decoding the bytes it
 * receives and sends, which costs CPU on both sides of every cut. Dynamic programming
 * over (cut position, set of workers used).
 * @module
 */

/** A worker as the partitioner sees it. */
export interface WorkerSpeed {
  id: string;
  /** Measured speed for node `index` (of type `opType`), in GFLOP/s. */
  gflops(opType: string, index: number): number;
  /** Whether the worker can run an op type. */
  supports(opType: string): boolean;
}

/** What to partition. */
export interface PartitionProblem {
  /** Op type of each node, in topological order. */
  ops: readonly string[];
  /** FLOPs of each node. */
  flops: readonly number[];
  /** Bytes live across each cut 0..n (cut 0: the graph inputs; cut n: its outputs). */
  cutBytes: readonly number[];
  workers: readonly WorkerSpeed[];
  /** Link speed between any two parties, bytes per second. */
  linkBytesPerSec: number;
  /** Fixed cost of one message hop, in ms. */
  hopMs?: number;
  /**
   * CPU time a stage spends per byte it receives or sends (decoding, copies, checksums,
   * socket writes), in ms; charged to the stages on both sides of each cut.
   */
  cpuMsPerByte?: number;
  /** Exact number of stages; chosen for throughput when absent. */
  stages?: number;
  /**
   * Cut positions (1..n-1) that must not be used: where the engine runs the nodes on both
   * sides as one kernel, so that splitting them would change the arithmetic.
   */
  uncuttable?: ReadonlySet<number>;
}

/** One stage of a plan. */
export interface PlannedStage {
  start: number;
  end: number;
  worker: string;
  computeMs: number;
  /** CPU time spent decoding its inputs and encoding its outputs. */
  wireMs: number;
  /** Time to bring its inputs across the cut before it. */
  transferMs: number;
}

/** A partition. */
export interface Partition {
  stages: PlannedStage[];
  /** max over stages of compute and transfer: 1 / throughput. */
  bottleneckMs: number;
}

/** No placement exists: some node is supported by no worker, or too few workers. */
export class PartitionError extends Error {
  override name = "PartitionError";
}

/** Worker sets larger than this are cut down to the fastest ones (the DP is 2^W). */
const MAX_WORKERS = 10;
/** Candidate cut positions kept for the DP; more nodes are grouped between them. */
const MAX_CUTS = 160;
/** More stages must improve the bottleneck by this factor to be preferred. */
const STAGE_GAIN = 0.97;

/**
 * Partitions a graph for a pipeline.
 * @throws {PartitionError} when no placement satisfies op support
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const w = (id: string) => ({ id, gflops: () => 1, supports: () => true });
 * const p = partition({
 *   ops: ["A", "B", "C", "D"], flops: [1e6, 1e6, 1e6, 1e6], cutBytes: [0, 0, 0, 0, 0],
 *   workers: [w("a"), w("b")], linkBytesPerSec: 1e9, stages: 2,
 * });
 * assert.deepEqual(p.stages.map((s) => [s.start, s.end]), [[0, 2], [2, 4]]);
 * ```
 */
export function partition(problem: PartitionProblem): Partition {
  const n = problem.ops.length;
  const workers = fastest(problem.workers, problem.ops, problem.flops);
  const W = workers.length;
  if (problem.stages !== undefined && (problem.stages < 1 || problem.stages > W)) {
    throw new PartitionError(`Cannot cut into ${problem.stages} stages with ${W} workers`);
  }
  const cuts = candidateCuts(problem);
  const time = workers.map((w) => prefixTimes(w, problem));
  const transfer = (c: number) =>
    problem.cutBytes[c] / problem.linkBytesPerSec * 1000 + (problem.hopMs ?? 0);
  const computeMs = (w: number, a: number, b: number) =>
    time[w].unsupported[b] > time[w].unsupported[a] ? Infinity : time[w].ms[b] - time[w].ms[a];
  const wireMs = (a: number, b: number) =>
    (problem.cutBytes[a] + problem.cutBytes[b]) * (problem.cpuMsPerByte ?? 0);
  const busyMs = (w: number, a: number, b: number) => computeMs(w, a, b) + wireMs(a, b);
  const stageCost = (w: number, a: number, b: number) => Math.max(busyMs(w, a, b), transfer(a));
  const K = cuts.length;
  const full = 1 << W;
  // best[k][mask]: bottleneck of nodes [0, cuts[k]) on exactly the workers in mask.
  const best = Array.from({ length: K }, () => new Float64Array(full).fill(Infinity));
  const from = Array.from({ length: K }, () => new Int32Array(full * 2).fill(-1));
  best[0][0] = 0;
  for (let k = 1; k < K; k++) {
    for (let mask = 1; mask < full; mask++) {
      for (let w = 0; w < W; w++) {
        if (!(mask & (1 << w))) continue;
        const rest = mask ^ (1 << w);
        for (let j = 0; j < k; j++) {
          const prev = best[j][rest];
          if (prev === Infinity) continue;
          const cost = Math.max(prev, stageCost(w, cuts[j], cuts[k]));
          if (cost < best[k][mask]) {
            best[k][mask] = cost;
            from[k][mask * 2] = j;
            from[k][mask * 2 + 1] = w;
          }
        }
      }
    }
  }
  const mask = pickMask(best[K - 1], problem.stages, transfer(n));
  if (mask < 0) {
    throw new PartitionError("Cannot place the graph: some op is supported by no worker");
  }
  const stages: PlannedStage[] = [];
  for (let k = K - 1, m = mask; k > 0;) {
    const j = from[k][m * 2], w = from[k][m * 2 + 1];
    const a = cuts[j], b = cuts[k];
    stages.unshift({
      start: a,
      end: b,
      worker: workers[w].id,
      computeMs: computeMs(w, a, b),
      wireMs: wireMs(a, b),
      transferMs: transfer(a),
    });
    k = j;
    m ^= 1 << w;
  }
  return { stages, bottleneckMs: Math.max(best[K - 1][mask], transfer(n)) };
}

function pickMask(row: Float64Array, stages: number | undefined, outMs: number): number {
  // Best mask per stage count, then more stages only where they pay.
  const byCount = new Map<number, { mask: number; cost: number }>();
  for (let mask = 1; mask < row.length; mask++) {
    const cost = Math.max(row[mask], outMs), count = popcount(mask);
    if (cost === Infinity || (stages !== undefined && count !== stages)) continue;
    if (cost < (byCount.get(count)?.cost ?? Infinity)) byCount.set(count, { mask, cost });
  }
  let pick = { mask: -1, cost: Infinity };
  for (const count of [...byCount.keys()].sort((a, b) => a - b)) {
    const c = byCount.get(count)!;
    if (pick.mask < 0 || c.cost < pick.cost * STAGE_GAIN) pick = c;
  }
  return pick.mask;
}

/** Time in ms to run nodes [0, i) on `w`, and how many of them it cannot run. */
function prefixTimes(
  w: WorkerSpeed,
  p: PartitionProblem,
): { ms: Float64Array; unsupported: Int32Array } {
  const n = p.ops.length;
  const ms = new Float64Array(n + 1), unsupported = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const op = p.ops[i], ok = w.supports(op);
    ms[i + 1] = ms[i] + (ok ? p.flops[i] / (w.gflops(op, i) * 1e6) : 0);
    unsupported[i + 1] = unsupported[i] + (ok ? 0 : 1);
  }
  return { ms, unsupported };
}

/** All positions for small graphs; else cuts at equal work quantiles, each at the cheapest cut nearby. */
function candidateCuts(p: PartitionProblem): number[] {
  const n = p.ops.length;
  const allowed = (c: number) => !p.uncuttable?.has(c);
  if (n + 1 <= MAX_CUTS) {
    return Array.from({ length: n + 1 }, (_, i) => i).filter((c) => c === n || allowed(c));
  }
  const total = p.flops.reduce((a, b) => a + b, 0) || 1;
  const cuts = [0];
  let acc = 0, windowStart = 1;
  for (let i = 1; i < n; i++) {
    acc += p.flops[i - 1];
    const boundary = Math.floor(acc / total * (MAX_CUTS - 1)) > cuts.length - 1;
    if (!boundary) continue;
    let bestCut = -1;
    for (let c = windowStart; c <= i; c++) {
      if (allowed(c) && (bestCut < 0 || p.cutBytes[c] < p.cutBytes[bestCut])) bestCut = c;
    }
    if (bestCut > cuts[cuts.length - 1]) cuts.push(bestCut);
    windowStart = i + 1;
  }
  cuts.push(n);
  return cuts;
}

function fastest(
  workers: readonly WorkerSpeed[],
  ops: readonly string[],
  flops: readonly number[],
): WorkerSpeed[] {
  if (workers.length <= MAX_WORKERS) return [...workers];
  const speed = (w: WorkerSpeed) =>
    ops.reduce((t, op, i) => t + flops[i] / Math.max(w.gflops(op, i), 1e-9), 0);
  return [...workers].sort((a, b) => speed(a) - speed(b)).slice(0, MAX_WORKERS);
}

function popcount(mask: number): number {
  let c = 0;
  for (; mask; mask &= mask - 1) c++;
  return c;
}
