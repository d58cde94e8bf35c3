/**
 * The worker agent: joins a cluster over a bus, reports its capabilities and heartbeats,
 * loads the stages the coordinator assigns and runs the frames that reach them, each stage
 * in a thread of its own so that this one keeps moving frames while stages compute.
 * @module
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ControlAckSchema,
  ControlSchema,
  HeartbeatSchema,
  type LoadStage,
  StageErrorSchema,
  StageTimingSchema,
  type TensorFrame,
  TensorFrameSchema,
  type UnloadStage,
  WorkerInfoSchema,
} from "../../proto/gen/mesh_pb.ts";
import type { Bus, BusSubscription } from "../../bus/bus.ts";
import { receiveFrames, sendFrame } from "../../bus/frames.ts";
import { encodeTensorFrame } from "../../bus/tensor_frame.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { fromWire, toWire } from "../../graph/wire.ts";
import type { Tensor } from "../../graph/tensor.ts";
import { supportedOps } from "../../graph/ops/registry.ts";
import { StageThread } from "./stage_thread.ts";
import { calibrate, type Speeds, type WorkerBackend } from "./calibrate.ts";

/** Options of a {@linkcode WorkerAgent}. */
export interface AgentOptions {
  id?: string;
  name?: string;
  /** Memory the worker offers for stages, in bytes. */
  memoryBytes?: number;
  heartbeatMs?: number;
  /** Measured speeds; calibrated at start when absent. */
  speeds?: Speeds;
  /** Where stages run: "webgpu" runs each node on WebGPU where it can, WASM elsewhere. */
  backend?: WorkerBackend;
  /** The WebGPU adapter's description, for the coordinator's view. */
  adapter?: string;
}

interface LoadedStage {
  key: string;
  thread: StageThread;
  spec: LoadStage;
  subscription: BusSubscription;
}

/**
 * A worker serving stages over a bus.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryHub } from "../../bus/memory_bus.ts";
 * import { Subjects } from "../../bus/subjects.ts";
 * const agent = await WorkerAgent.start(new MemoryHub().connect(), new Subjects("doc"), {
 *   speeds: { "wasm.compute": 1, "wasm.memory": 1 },
 * });
 * assert.ok(agent.id.length > 0);
 * await agent.stop();
 * ```
 */
export class WorkerAgent {
  readonly #stages = new Map<string, LoadedStage>();
  #control?: BusSubscription;
  #timer?: ReturnType<typeof setInterval>;
  #inFlight = 0;

  private constructor(
    readonly bus: Bus,
    readonly subjects: Subjects,
    readonly id: string,
    readonly name: string,
    readonly memoryBytes: number,
    readonly speeds: Speeds,
    readonly backend: WorkerBackend,
    readonly adapter: string,
  ) {}

  /** Calibrates (unless speeds are given), joins and starts heartbeating. */
  static async start(
    bus: Bus,
    subjects: Subjects,
    options: AgentOptions = {},
  ): Promise<WorkerAgent> {
    const id = options.id ?? crypto.randomUUID().slice(0, 8);
    const backend = options.backend ?? "wasm";
    const agent = new WorkerAgent(
      bus,
      subjects,
      id,
      options.name ?? `worker-${id}`,
      options.memoryBytes ?? 2 ** 31,
      options.speeds ?? await calibrateBackends(backend),
      backend,
      options.adapter ?? "",
    );
    agent.#control = receiveFrames(bus, subjects.workerControl(id), (frame) => {
      const ack = agent.#onControl(frame.data);
      if (frame.reply) {
        void ack.then((a) => bus.publish(frame.reply!, toBinary(ControlAckSchema, a)));
      }
    });
    agent.#heartbeat();
    agent.#timer = setInterval(() => agent.#heartbeat(), options.heartbeatMs ?? 500);
    await bus.flush();
    return agent;
  }

  /** Leaves the cluster: stops heartbeats and drops every stage. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#control?.unsubscribe();
    for (const stage of this.#stages.values()) this.#drop(stage);
    await this.bus.flush();
  }

  #heartbeat(): void {
    const info = create(WorkerInfoSchema, {
      id: this.id,
      name: this.name,
      backends: this.#providers(),
      adapter: this.adapter,
      ops: supportedOps(),
      memoryBytes: BigInt(this.memoryBytes),
      gflops: this.speeds,
    });
    const beat = create(HeartbeatSchema, {
      workerId: this.id,
      sentAtMs: BigInt(Date.now()),
      stageKeys: [...this.#stages.keys()],
      inFlight: this.#inFlight,
      info,
    });
    this.bus.publish(this.subjects.heartbeat, toBinary(HeartbeatSchema, beat));
  }

  async #onControl(data: Uint8Array) {
    try {
      const control = fromBinary(ControlSchema, data);
      if (control.command.case === "load") await this.#load(control.command.value);
      else if (control.command.case === "unload") this.#unload(control.command.value);
      this.#heartbeat();
      return create(ControlAckSchema, { ok: true });
    } catch (e) {
      return create(ControlAckSchema, { ok: false, error: (e as Error).message });
    }
  }

  async #load(spec: LoadStage): Promise<void> {
    const subject = this.subjects.stage(spec.model, spec.version, spec.generation, spec.index);
    if (this.#stages.has(subject)) return;
    const thread = await StageThread.start(spec.onnx, {
      graphOptimizationLevel: "disabled",
      executionProviders: spec.backend === "webgpu" ? this.#providers() : ["wasm"],
    });
    const subscription = receiveFrames(this.bus, subject, (f) => this.#onFrame(subject, f.data), {
      queue: subject,
    });
    this.#stages.set(subject, { key: subject, thread, spec, subscription });
    await this.bus.flush();
  }

  /** Backends in order of preference; WASM runs whatever WebGPU declines. */
  #providers(): WorkerBackend[] {
    return this.backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"];
  }

  #unload(spec: UnloadStage): void {
    const stage = this.#stages.get(
      this.subjects.stage(spec.model, spec.version, spec.generation, spec.index),
    );
    if (stage) this.#drop(stage);
  }

  #drop(stage: LoadedStage): void {
    stage.subscription.unsubscribe();
    stage.thread.release();
    this.#stages.delete(stage.key);
  }

  async #onFrame(key: string, data: Uint8Array): Promise<void> {
    const stage = this.#stages.get(key);
    const frame = fromBinary(TensorFrameSchema, data);
    if (!stage) return;
    this.#inFlight++;
    try {
      if (frame.deadlineMs > 0n && Date.now() > Number(frame.deadlineMs)) {
        throw new Error("the request's deadline passed before this stage ran");
      }
      const feeds: Record<string, Tensor> = {};
      for (const w of frame.tensors) feeds[w.name] = fromWire(w);
      const { outputs, ms } = await stage.thread.run(feeds);
      frame.tensors = Object.entries(outputs).map(([name, t]) => toWire(name, t));
      frame.timings.push(
        create(StageTimingSchema, { requestId: frame.requestId, stage: stage.spec.index, ms }),
      );
    } catch (e) {
      // A stage unloaded meanwhile belongs to a retired placement: the coordinator has
      // resent its requests to the new one, so its frames are dropped, not failed.
      if (this.#stages.get(key) === stage) await this.#fail(frame, stage.spec.index, e as Error);
      return;
    } finally {
      this.#inFlight--;
    }
    const next = stage.spec.nextSubject || frame.replyTo;
    // A frame that cannot be forwarded (the next stage is being re-placed) is dropped: the
    // coordinator resubmits every request that does not come back in time.
    await sendFrame(this.bus, next, encodeTensorFrame(frame)).catch(() => {});
  }

  async #fail(frame: TensorFrame, index: number, e: Error): Promise<void> {
    frame.tensors = [];
    frame.error = create(StageErrorSchema, {
      requestId: frame.requestId,
      code: e.name,
      message: e.message,
      stage: index,
    });
    await sendFrame(this.bus, frame.replyTo, encodeTensorFrame(frame)).catch(() => {});
  }
}

/** Speeds of `backend` and of WASM, which runs the nodes any other backend declines. */
async function calibrateBackends(backend: WorkerBackend): Promise<Speeds> {
  const wasm = await calibrate("wasm");
  return backend === "wasm" ? wasm : { ...wasm, ...await calibrate(backend) };
}
