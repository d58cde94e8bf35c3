/**
 * The coordinator's side of a cluster: models placed on workers as pipelines of stages,
 * re-placed when a worker joins or is lost, so that every accepted request completes.
 * @module
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { ControlAckSchema, ControlSchema } from "../../proto/gen/mesh_pb.ts";
import { fromBinary } from "@bufbuild/protobuf";
import type { Bus } from "../../bus/bus.ts";
import { requestFrame } from "../../bus/frames.ts";
import type { Subjects } from "../../bus/subjects.ts";
import type { Model } from "../../graph/ir.ts";
import { inferShapes } from "../../graph/infer_shapes.ts";
import { extractStage, liveAcrossCuts } from "../../graph/subgraph.ts";
import { encodeModel } from "../../graph/encode_model.ts";
import type { Tensor } from "../../graph/tensor.ts";
import { Membership } from "./membership.ts";
import { Pipeline } from "./pipeline.ts";
import { type PlacedStage, type PlacementOptions, placeModel } from "./placement.ts";
import { NoCapacityError } from "./errors.ts";

/** A worker has this long to load a stage (decode and upload its weights). */
const LOAD_TIMEOUT_MS = 60_000;
/** Unloading is best effort: a worker that does not answer soon is gone anyway. */
const UNLOAD_TIMEOUT_MS = 2_000;

/** Options of a {@linkcode Cluster}. */
export interface ClusterOptions extends PlacementOptions {
  /** A worker silent this long is lost. */
  heartbeatTtlMs?: number;
  /** A request with no result after this long is resubmitted. */
  stallMs?: number;
}

/** Per-stage running averages, from the timings frames carry back. */
interface StageStats {
  count: number;
  totalMs: number;
}

/** A model served by the cluster. */
export class DeployedModel {
  generation = 0;
  stages: PlacedStage[] = [];
  readonly stats: StageStats[] = [];
  /** Serializes re-plans. */
  replanning: Promise<void> = Promise.resolve();
  /** Placed with guessed sizes for symbolic dims: re-placed with the first request's. */
  #guessedDims: boolean;

  constructor(
    readonly name: string,
    readonly version: string,
    readonly model: Model,
    readonly pipeline: Pipeline,
    readonly options: PlacementOptions,
    readonly replan: () => Promise<void>,
  ) {
    this.#guessedDims = !options.dims &&
      model.graph.inputs.some((i) => i.dims?.some((d) => typeof d === "string"));
  }

  /** Runs one request through the stages. */
  async run(feeds: Record<string, Tensor>, deadlineMs?: number): Promise<Record<string, Tensor>> {
    if (this.#guessedDims) {
      this.#guessedDims = false;
      this.options.dims = symbolValues(this.model, feeds);
      await this.replan();
    }
    const { outputs, timings } = await this.pipeline.run(feeds, deadlineMs);
    for (const t of timings) {
      const s = (this.stats[t.stage] ??= { count: 0, totalMs: 0 });
      s.count++;
      s.totalMs += t.ms;
    }
    return outputs;
  }

  /** Mean ms per request of stage `index` so far. */
  msAvg(index: number): number {
    const s = this.stats[index];
    return s && s.count ? s.totalMs / s.count : 0;
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

/**
 * Places models on the workers of one cluster and keeps them placed.
 * @example
 * ```ts ignore
 * const cluster = new Cluster(bus, new Subjects("prod"));
 * await cluster.membership.waitFor(2);
 * const det = await cluster.load("det", "1", decodeModel(bytes), { stages: 2 });
 * const outputs = await det.run({ x });
 * ```
 */
export class Cluster {
  readonly membership: Membership;
  readonly #models = new Map<string, DeployedModel>();

  constructor(
    readonly bus: Bus,
    readonly subjects: Subjects,
    readonly options: ClusterOptions = {},
  ) {
    this.membership = new Membership(bus, subjects, options.heartbeatTtlMs);
    this.membership.onChange(() => {
      for (const m of this.#models.values()) void this.#replan(m);
    });
  }

  /** Models deployed now. */
  models(): DeployedModel[] {
    return [...this.#models.values()];
  }

  /**
   * Places a model (already optimized) on the live workers and starts its pipeline.
   * @throws {NoCapacityError} when no worker is live
   * @throws {PartitionError} when the workers cannot run some op
   */
  async load(
    name: string,
    version: string,
    model: Model,
    options: PlacementOptions = {},
  ): Promise<DeployedModel> {
    const key = `${name}/${version}`;
    if (this.#models.has(key)) await this.unload(name, version);
    const pipeline = new Pipeline(this.bus, "", { stallMs: this.options.stallMs });
    const deployed: DeployedModel = new DeployedModel(
      name,
      version,
      model,
      pipeline,
      { ...this.options, ...options },
      () => this.#replan(deployed),
    );
    await this.#deploy(deployed);
    this.#models.set(key, deployed);
    return deployed;
  }

  /** Stops serving a model and frees its stages on the workers. */
  async unload(name: string, version: string): Promise<void> {
    const m = this.#models.get(`${name}/${version}`);
    if (!m) return;
    this.#models.delete(`${name}/${version}`);
    m.pipeline.close();
    await this.#unloadStages(m, m.generation, m.stages);
  }

  /** Stops everything the cluster started on this side. */
  async close(): Promise<void> {
    for (const m of this.models()) await this.unload(m.name, m.version);
    this.membership.close();
  }

  #replan(m: DeployedModel): Promise<void> {
    m.replanning = m.replanning.then(() => this.#deploy(m)).catch(() => {
      // No placement now (too few workers): the next join re-plans again; requests wait.
    });
    return m.replanning;
  }

  async #deploy(m: DeployedModel): Promise<void> {
    const members = this.membership.workers();
    if (members.length === 0) {
      throw new NoCapacityError(`Cannot place "${m.name}": no worker has joined`);
    }
    const graph = m.model.graph, opset = m.model.opsets.get("") ?? 1;
    const stages = placeModel(graph, opset, members, m.options);
    const types = inferShapes(graph, opset);
    const live = liveAcrossCuts(graph);
    const old = { generation: m.generation, stages: m.stages };
    const generation = m.stages.length ? m.generation + 1 : m.generation;
    const subject = (k: number) => this.subjects.stage(m.name, m.version, generation, k);
    await Promise.all(stages.flatMap((s) => {
      const stageModel: Model = {
        ...m.model,
        graph: extractStage(graph, s.start, s.end, types, live),
      };
      const load = create(ControlSchema, {
        command: {
          case: "load",
          value: {
            model: m.name,
            version: m.version,
            index: s.index,
            generation,
            onnx: encodeModel(stageModel),
            inputNames: stageModel.graph.inputs.map((i) => i.name),
            outputNames: stageModel.graph.outputs.map((o) => o.name),
            backend: "wasm",
            nextSubject: s.index + 1 < stages.length ? subject(s.index + 1) : "",
          },
        },
      });
      return s.workers.map((w) => this.#control(w, toBinary(ControlSchema, load)));
    }));
    m.generation = generation;
    m.stages = stages;
    m.pipeline.retarget(subject(0));
    if (old.stages.length) await this.#unloadStages(m, old.generation, old.stages);
  }

  async #unloadStages(m: DeployedModel, generation: number, stages: PlacedStage[]): Promise<void> {
    await Promise.all(stages.flatMap((s) => {
      const unload = create(ControlSchema, {
        command: {
          case: "unload",
          value: { model: m.name, version: m.version, index: s.index, generation },
        },
      });
      return s.workers
        .filter((w) => this.membership.get(w))
        .map((w) =>
          this.#control(w, toBinary(ControlSchema, unload), UNLOAD_TIMEOUT_MS).catch(() => {})
        );
    }));
  }

  async #control(workerId: string, data: Uint8Array, timeoutMs = LOAD_TIMEOUT_MS): Promise<void> {
    const subject = this.subjects.workerControl(workerId);
    const reply = await requestFrame(this.bus, subject, data, timeoutMs);
    const ack = fromBinary(ControlAckSchema, reply);
    if (!ack.ok) throw new Error(`Worker "${workerId}" refused: ${ack.error}`);
  }
}
