/**
 * One loaded model version as the HTTP layer serves it: its deployment, signature,
 * bounded queue, optional batcher and statistics.
 * @module
 */
import type { DeployedModel } from "../cluster/cluster.ts";
import type { Model } from "../../graph/ir.ts";
import type { Tensor } from "../../graph/tensor.ts";
import { Batcher } from "./batcher.ts";
import { OverloadedError } from "./errors.ts";
import type { ModelConfig } from "./model_config.ts";
import { checkFeeds, type Signature, signatureOf } from "./signature.ts";
import { ModelStats } from "./stats.ts";

type Feeds = Record<string, Tensor>;

/**
 * A model version ready for requests.
 * @example
 * ```ts ignore
 * const served = new ServedModel(deployed, parseModelConfig(undefined), "sha256:...");
 * const { y } = await served.infer({ x });
 * ```
 */
export class ServedModel {
  readonly signature: Signature;
  readonly stats: ModelStats;
  readonly #batcher?: Batcher;
  /** Requests admitted and not yet answered. */
  #admitted = 0;

  /**
   * @param deployed the model's deployment on the cluster
   * @param config its config.json
   * @param sha256 digest of its ONNX bytes
   */
  constructor(
    readonly deployed: DeployedModel,
    readonly config: ModelConfig,
    readonly sha256: string,
  ) {
    this.signature = signatureOf(deployed.model);
    this.stats = new ModelStats(deployed.name, deployed.version);
    if (config.maxBatchSize > 1 && hasBatchDim(deployed.model)) {
      this.#batcher = new Batcher((f, rows) => this.#execute(f, rows), {
        maxBatch: config.maxBatchSize,
        delayMs: config.maxQueueDelayMs,
        preferred: config.preferredBatchSizes,
        slots: () => executionSlots(deployed),
      });
    }
  }

  /** Requests queued or running. */
  get queueDepth(): number {
    return this.#admitted;
  }

  /** Whether concurrent requests are merged. */
  get batching(): boolean {
    return this.#batcher !== undefined;
  }

  /**
   * Runs one request (batched with others when configured).
   * @throws {BadRequestError} when the feeds do not fit the inputs
   * @throws {OverloadedError} when the queue is full
   */
  async infer(feeds: Feeds): Promise<Feeds> {
    checkFeeds(this.signature, feeds);
    if (this.#admitted >= this.config.maxQueueSize) {
      throw new OverloadedError(this.deployed.name, 1);
    }
    this.#admitted++;
    const start = performance.now();
    let queueMs = 0, ok = false;
    const started = () => queueMs = performance.now() - start;
    try {
      const outputs = await (this.#batcher?.submit(feeds, started) ??
        (started(), this.#execute(feeds, 1)));
      ok = true;
      return outputs;
    } finally {
      this.#admitted--;
      this.stats.request(ok, queueMs, performance.now() - start);
    }
  }

  async #execute(feeds: Feeds, rows: number): Promise<Feeds> {
    const start = performance.now();
    const outputs = await this.deployed.run(feeds);
    this.stats.execution(rows, performance.now() - start);
    return outputs;
  }
}

/**
 * Whether the model declares a batch dim: every input's dim 0 is one and the same symbol,
 * and no output's dim 0 is a fixed size (so outputs split back by rows).
 */
function hasBatchDim(model: Model): boolean {
  const { inputs, outputs } = model.graph;
  const batch = inputs[0]?.dims?.[0];
  return typeof batch === "string" &&
    inputs.every((i) => i.dims?.[0] === batch) &&
    outputs.every((o) => typeof o.dims?.[0] !== "number");
}

/** Executions that keep every worker of the pipeline busy: one per stage replica. */
function executionSlots(deployed: DeployedModel): number {
  return Math.max(1, deployed.stages.reduce((a, s) => a + s.workers.length, 0));
}
