/**
 * Per-model counters: Triton's statistics shape for /stats and the histograms /metrics
 * exports.
 * @module
 */

/** Latency histogram bounds, seconds (Prometheus `le`). */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Batch size histogram bounds, rows. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

/** A Prometheus-style histogram: counts per bound, sum and count. */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = bounds.map(() => 0);
  }
  /** Adds one observation. */
  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.bounds.forEach((b, i) => v <= b && this.counts[i]++);
  }
}

/** Triton's `{count, ns}` duration pair. */
interface Duration {
  count: number;
  ns: number;
}

const duration = (): Duration => ({ count: 0, ns: 0 });
const add = (d: Duration, ms: number) => {
  d.count++;
  d.ns += Math.round(ms * 1e6);
};

/**
 * Counts of one model version's requests and batches.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const s = new ModelStats("m", "1");
 * s.request(true, 0.5, 2);
 * assert.equal(s.triton().inference_count, 1);
 * ```
 */
export class ModelStats {
  readonly latency = new Histogram(LATENCY_BUCKETS);
  readonly batchSizes = new Histogram(BATCH_BUCKETS);
  readonly requests = { success: 0, failure: 0 };
  #lastInference = 0;
  #executions = 0;
  readonly #success = duration();
  readonly #fail = duration();
  readonly #queue = duration();
  readonly #infer = duration();
  readonly #batches = new Map<number, Duration>();

  constructor(readonly name: string, readonly version: string) {}

  /** Records one request: whether it succeeded, ms waiting in the queue, ms in total. */
  request(ok: boolean, queueMs: number, totalMs: number): void {
    this.#lastInference = Date.now();
    this.latency.observe(totalMs / 1000);
    if (!ok) {
      this.requests.failure++;
      return add(this.#fail, totalMs);
    }
    this.requests.success++;
    add(this.#success, totalMs);
    add(this.#queue, queueMs);
  }

  /** Records one execution of `rows` rows that took `ms`. */
  execution(rows: number, ms: number): void {
    this.#executions++;
    this.batchSizes.observe(rows);
    add(this.#infer, ms);
    const b = this.#batches.get(rows) ?? duration();
    this.#batches.set(rows, b);
    add(b, ms);
  }

  /** The statistics entry Triton returns for this version. */
  triton(): Record<string, unknown> {
    return {
      name: this.name,
      version: this.version,
      last_inference: this.#lastInference,
      inference_count: this.requests.success,
      execution_count: this.#executions,
      inference_stats: {
        success: this.#success,
        fail: this.#fail,
        queue: this.#queue,
        compute_input: duration(),
        compute_infer: this.#infer,
        compute_output: duration(),
        cache_hit: duration(),
        cache_miss: duration(),
      },
      batch_stats: [...this.#batches].sort(([a], [b]) => a - b).map(([size, d]) => ({
        batch_size: size,
        compute_input: duration(),
        compute_infer: d,
        compute_output: duration(),
      })),
    };
  }
}
