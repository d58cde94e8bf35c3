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
import { DeployedModel } from "./deployed_model.ts";
import { Membership } from "./membership.ts";
import { Pipeline } from "./pipeline.ts";
import { type Measured, type PlacedStage, type PlacementOptions, placeModel } from "./placement.ts";
import { NoCapacityError } from "./errors.ts";

export { DeployedModel } from "./deployed_model.ts";

/** A worker has this long to load a stage (decode and upload its weights). */
const LOAD_TIMEOUT_MS = 60_000;
/** Unloading is best effort: a worker that does not answer soon is gone anyway. */
const UNLOAD_TIMEOUT_MS = 2_000;
/** A re-placement from measured times must promise at least this gain to be worth a reload. */
const RECALIBRATION_GAIN = 0.95;

/** Options of a {@linkcode Cluster}. */
export interface ClusterOptions extends PlacementOptions {
  /** A worker silent this long is lost. */
  heartbeatTtlMs?: number;
  /** A request with no result after this long is resubmitted. */
  stallMs?: number;
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
      {
        replan: () => this.#replan(deployed),
        recalibrate: (measured) => this.#recalibrate(deployed, measured),
      },
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

  /**
   * Re-places `m` with stage times corrected by measurement, if that promises a real gain
   * over the stages it runs on now; resolves to whether it did.
   */
  #recalibrate(m: DeployedModel, measured: Measured): Promise<boolean> {
    let changed = false;
    m.replanning = m.replanning.then(async () => {
      const stages = this.#place(m, measured);
      const busy = (s: PlacedStage, ms: number) => ms + s.wireMs;
      const now = Math.max(...m.stages.map((s) => busy(s, m.msAvg(s.index))));
      const next = Math.max(...stages.map((s) => busy(s, s.computeMs)));
      m.measured = measured;
      if (next >= now * RECALIBRATION_GAIN) return;
      await this.#install(m, stages);
      changed = true;
    }).catch(() => {
      // Workers changed meanwhile: the re-plan that follows places the model anyway.
    });
    return m.replanning.then(() => changed);
  }

  #place(m: DeployedModel, measured = m.measured): PlacedStage[] {
    const members = this.membership.workers();
    if (members.length === 0) {
      throw new NoCapacityError(`Cannot place "${m.name}": no worker has joined`);
    }
    const opset = m.model.opsets.get("") ?? 1;
    return placeModel(m.model.graph, opset, members, this.bus.link, m.options, measured);
  }

  async #deploy(m: DeployedModel): Promise<void> {
    await this.#install(m, this.#place(m));
  }

  /** Loads `stages` as the model's next generation, then retires the current one. */
  async #install(m: DeployedModel, stages: PlacedStage[]): Promise<void> {
    const graph = m.model.graph, opset = m.model.opsets.get("") ?? 1;
    const types = inferShapes(graph, opset);
    const live = liveAcrossCuts(graph);
    const old = { generation: m.generation, stages: m.stages };
    // Never reused: a worker that loaded a stage of a failed attempt must not take a later
    // attempt's stage, cut elsewhere, for the one it holds under the same subject.
    const generation = m.newGeneration();
    const subject = (k: number) => this.subjects.stage(m.name, m.version, generation, k);
    const loads = await Promise.allSettled(stages.flatMap((s) => {
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
            backend: s.backend,
            nextSubject: s.index + 1 < stages.length ? subject(s.index + 1) : "",
          },
        },
      });
      return s.workers.map((w) => this.#control(w, toBinary(ControlSchema, load)));
    }));
    const failed = loads.find((r) => r.status === "rejected");
    if (failed) {
      await this.#unloadStages(m, generation, stages);
      throw failed.reason;
    }
    m.generation = generation;
    m.stages = stages;
    m.resetStats();
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
