/**
 * A model served by the cluster: its current stages, the time each stage measures, and
 * what those times teach the next placement.
 * @module
 */
import type { Model } from "../../graph/ir.ts";
import type { Tensor } from "../../graph/tensor.ts";
import type { Pipeline } from "./pipeline.ts";
import type { Measured, PlacedStage, PlacementOptions } from "./placement.ts";

/** Timed requests per stage before the stage times are trusted for a re-placement. */
const CALIBRATION_SAMPLES = 6;
/** Re-placements from measured times, at most, per model. */
const MAX_CALIBRATIONS = 2;
/** A measured/estimated ratio outside this range is taken as noise, not as the model's error. */
const SCALE_LIMITS = [0.1, 10] as const;

/** Per-stage running averages, from the timings frames carry back. */
interface StageStats {
  /** Timings seen, the first (a cold run) included. */
  seen: number;
  count: number;
  totalMs: number;
}

/** How a deployed model talks back to the cluster that placed it. */
export interface Replanner {
  /** Places the model again from scratch (new sizes, workers joined or lost). */
  replan(): Promise<void>;
  /** Places it again with measured corrections; resolves to whether the stages changed. */
  recalibrate(measured: Measured): Promise<boolean>;
}

/** A model served by the cluster. */
export class DeployedModel {
  /** The generation the current stages were loaded as. */
  generation = 0;
  stages: PlacedStage[] = [];
  /** Corrections learned from measured stage times, used by every later placement. */
  measured?: Measured;
  /** Serializes re-plans. */
  replanning: Promise<void> = Promise.resolve();
  #stats: StageStats[] = [];
  #generationsIssued = 0;
  #calibrations = 0;
  #calibrating = false;
  /** Placed with guessed sizes for symbolic dims: re-placed with the first request's. */
  #guessedDims: boolean;

  constructor(
    readonly name: string,
    readonly version: string,
    readonly model: Model,
    readonly pipeline: Pipeline,
    readonly options: PlacementOptions,
    readonly planner: Replanner,
  ) {
    this.#guessedDims = !options.dims &&
      model.graph.inputs.some((i) => i.dims?.some((d) => typeof d === "string"));
  }

  /** Whether a re-placement from measured stage times may still come. */
  get calibrating(): boolean {
    return this.#guessedDims || this.#calibrating ||
      (this.stages.length > 1 && this.#calibrations < MAX_CALIBRATIONS);
  }

  /** Runs one request through the stages (leave `feeds` unchanged until it settles). */
  async run(feeds: Record<string, Tensor>, deadlineMs?: number): Promise<Record<string, Tensor>> {
    if (this.#guessedDims) {
      this.#guessedDims = false;
      this.options.dims = symbolValues(this.model, feeds);
      await this.planner.replan();
    }
    const { outputs, timings } = await this.pipeline.run(feeds, deadlineMs);
    for (const t of timings) {
      const s = (this.#stats[t.stage] ??= { seen: 0, count: 0, totalMs: 0 });
      // The first run of a fresh stage pays its warm-up.
      if (s.seen++ === 0) continue;
      s.count++;
      s.totalMs += t.ms;
    }
    this.#maybeCalibrate();
    return outputs;
  }

  /** A generation number for a placement attempt, unique within this model. */
  newGeneration(): number {
    return ++this.#generationsIssued;
  }

  /** Mean ms per request of stage `index` of the current stages so far. */
  msAvg(index: number): number {
    const s = this.#stats[index];
    return s && s.count ? s.totalMs / s.count : 0;
  }

  /** Starts measuring afresh: called when new stages replace the old. */
  resetStats(): void {
    this.#stats = [];
  }

  #maybeCalibrate(): void {
    if (this.#calibrating || !this.calibrating || this.#guessedDims) return;
    if (this.stages.some((s) => (this.#stats[s.index]?.count ?? 0) < CALIBRATION_SAMPLES)) return;
    this.#calibrating = true;
    this.#calibrations++;
    const measured = this.#measure();
    void this.planner.recalibrate(measured).then((changed) => {
      // A placement the measurements cannot improve is final.
      if (!changed) this.#calibrations = MAX_CALIBRATIONS;
    }).finally(() => this.#calibrating = false);
  }

  /** The corrections so far, refined by how far each stage's time was from its estimate. */
  #measure(): Measured {
    const nodeScale = [...(this.measured?.nodeScale ?? this.model.graph.nodes.map(() => 1))];
    for (const s of this.stages) {
      if (s.computeMs <= 0) continue;
      const [low, high] = SCALE_LIMITS;
      const ratio = Math.min(high, Math.max(low, this.msAvg(s.index) / s.computeMs));
      for (let i = s.start; i < s.end; i++) nodeScale[i] *= ratio;
    }
    return { nodeScale };
  }
}

/** Sizes of the model's symbolic input dims in a request, e.g. { N: 1, H: 640 }. */
function symbolValues(model: Model, feeds: Record<string, Tensor>): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const input of model.graph.inputs) {
    input.dims?.forEach((d, i) => {
      const given = feeds[input.name]?.dims[i];
      if (typeof d === "string" && given !== undefined) dims[d] = given;
    });
  }
  return dims;
}
