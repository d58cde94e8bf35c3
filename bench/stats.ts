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
  const { only } = await timeInTurns({ only: fn }, { warmup, minRuns, budgetMs, rounds: 1 });
  return only!;
}

/**
 * Times several functions in turns: `rounds` rounds, each giving every function a slice of
 * about `budgetMs / rounds` in a row. A machine whose speed drifts during the bench (a
 * shared host) then slows every function alike, and each slice still runs warm.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = await timeInTurns({ a: () => Promise.resolve(), b: () => Promise.resolve() }, {
 *   budgetMs: 10,
 * });
 * assert.ok(t.a!.runs >= 5 && t.b!.runs >= 5);
 * ```
 */
export async function timeInTurns<K extends string>(
  fns: Partial<Record<K, () => Promise<unknown>>>,
  { warmup = 3, minRuns = 5, budgetMs = 2000, rounds = 5 } = {},
): Promise<Partial<Record<K, Timing>>> {
  const turns = (Object.entries(fns) as [K, () => Promise<unknown>][])
    .map(([name, fn]) => ({ name, fn, samples: [] as number[] }));
  for (const { fn } of turns) for (let i = 0; i < warmup; i++) await fn();
  const sliceMs = budgetMs / rounds, runsPerSlice = Math.ceil(minRuns / rounds);
  for (let round = 0; round < rounds; round++) {
    for (const { fn, samples } of turns) {
      const end = performance.now() + sliceMs;
      for (let i = 0; i < runsPerSlice || performance.now() < end; i++) {
        const start = performance.now();
        await fn();
        samples.push(performance.now() - start);
      }
    }
  }
  const timings: Partial<Record<K, Timing>> = {};
  for (const { name, samples } of turns) {
    samples.sort((a, b) => a - b);
    timings[name] = {
      medianMs: quantile(samples, 0.5),
      p90Ms: quantile(samples, 0.9),
      runs: samples.length,
    };
  }
  return timings;
}
