/**
 * A model's config.json (Triton's names where Triton has one): batching, optimization
 * level, execution providers, stage count, queue bound.
 * @module
 */
import { OPTIMIZATION_LEVELS, type OptimizationLevel } from "../../graph/optimize/levels.ts";
import { BadRequestError } from "./errors.ts";

/** The served form of a model's configuration. */
export interface ModelConfig {
  /** Rows per batch; 0 turns dynamic batching off. */
  maxBatchSize: number;
  /** Longest a request waits for a batch, ms. */
  maxQueueDelayMs: number;
  preferredBatchSizes: number[];
  /** Requests admitted (queued or running) at once; more get 503. */
  maxQueueSize: number;
  level: OptimizationLevel;
  providers: string[];
  /** Exact pipeline stage count; the partitioner chooses when absent. */
  stages?: number;
}

/** Providers the cluster's workers run stages on. */
const PROVIDERS = new Set(["wasm", "cpu"]);

/** The default queue bound per model version. */
export const DEFAULT_MAX_QUEUE = 256;

/**
 * Reads a config.json value (already parsed); missing keys take defaults.
 * @param json the parsed config, or undefined when the model has none
 * @returns the config
 * @throws {BadRequestError} on a bad value, naming its key
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const c = parseModelConfig({ max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 500 } });
 * assert.equal(c.maxQueueDelayMs, 0.5);
 * ```
 */
export function parseModelConfig(json: unknown): ModelConfig {
  const c = (json ?? {}) as Record<string, unknown>;
  const batching = (c.dynamic_batching ?? {}) as Record<string, unknown>;
  const level = c.optimization_level ?? "all";
  if (!OPTIMIZATION_LEVELS.includes(level as OptimizationLevel)) {
    throw new BadRequestError(
      `Cannot read config: "optimization_level" must be one of ${OPTIMIZATION_LEVELS.join(", ")}`,
    );
  }
  const providers = (c.execution_providers ?? ["wasm"]) as string[];
  if (!Array.isArray(providers) || !providers.some((p) => PROVIDERS.has(p))) {
    throw new BadRequestError(`Cannot read config: "execution_providers" must include "wasm"`);
  }
  return {
    maxBatchSize: count(c.max_batch_size, "max_batch_size", 0),
    maxQueueDelayMs:
      count(batching.max_queue_delay_microseconds, "max_queue_delay_microseconds", 1000) / 1000,
    preferredBatchSizes: ((batching.preferred_batch_size ?? []) as unknown[]).map((v) =>
      count(v, "preferred_batch_size", 0)
    ),
    // 0 means "no bound" to Triton; meshrt always bounds its queues.
    maxQueueSize: count(batching.max_queue_size, "max_queue_size", 0) || DEFAULT_MAX_QUEUE,
    level: level as OptimizationLevel,
    providers,
    stages: c.stages === undefined ? undefined : count(c.stages, "stages", 1),
  };
}

function count(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new BadRequestError(`Cannot read config: "${key}" must be a non-negative integer`);
  }
  return v;
}
