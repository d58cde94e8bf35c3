/**
 * Timing statistics for benches.
 * @module
 */

/** Median and 90th percentile of a sample, in ms. */
export interface Timing {
  medianMs: number;
  p90Ms: number;
  runs: number;
}

/** The quantile `q` of sorted samples. */
function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/**
 * Times `fn` after `warmup` calls, for at least `minRuns` runs and about `budgetMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = await timeIt(() => Promise.resolve(), { budgetMs: 5 });
 * assert.ok(t.runs >= 5);
 * ```
 */
export async function timeIt(
  fn: () => Promise<unknown>,
  { warmup = 3, minRuns = 5, budgetMs = 2000 } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  while (samples.length < minRuns || performance.now() < end) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: quantile(samples, 0.5), p90Ms: quantile(samples, 0.9), runs: samples.length };
}
