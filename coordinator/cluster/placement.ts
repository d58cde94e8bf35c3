/**
 * From a model and the live workers to a placement: stages cut by the partitioner, each
 * on a worker, with the workers left over added as replicas of the busiest stages.
 * @module
 */
import type { LinkProfile } from "../../bus/bus.ts";
import type { Graph } from "../../graph/ir.ts";
import { graphCost } from "../../graph/cost.ts";
import { liveAcrossCuts } from "../../graph/subgraph.ts";
import { opClass } from "../../graph/op_class.ts";
import { inferShapes } from "../../graph/infer_shapes.ts";
import { fusedChains } from "../../worker/engine/fuse_epilogues.ts";
import { layerNorms } from "../../worker/engine/fuse_layer_norm.ts";
import {
  type BackendName,
  placeNodes,
  WASM_BACKEND,
  webgpuBackend,
} from "../../worker/engine/backend.ts";
import { partition, type WorkerSpeed } from "../partition/partition.ts";
import type { Member } from "./membership.ts";

/** One stage of a placement. */
export interface PlacedStage {
  index: number;
  start: number;
  end: number;
  /** Workers serving it: the first chosen by the partitioner, the rest replicas. */
  workers: string[];
  flops: number;
  inBytes: number;
  outBytes: number;
  /** Estimated compute time on its first worker. */
  computeMs: number;
  /** Estimated CPU time spent decoding its inputs and encoding its outputs. */
  wireMs: number;
  /** The backend its first worker runs it on. */
  backend: BackendName;
}

/** Options of {@linkcode placeModel}. */
export interface PlacementOptions {
  /** Exact stage count; chosen for throughput when absent. */
  stages?: number;
  /** The link between workers, where it differs from what the bus states. */
  link?: Partial<LinkProfile>;
  /** Values for symbolic dims when costing (default 1). */
  dims?: Record<string, number>;
}

/** What placement learned from running a model: how far off each node's estimate was. */
export interface Measured {
  /** Per node, measured ÷ estimated compute time. */
  nodeScale: readonly number[];
}

/**
 * A worker's speed as the partitioner asks for it: per node, the calibrated speed of the
 * backend that node would run on there and of its op class.
 * @param backends per node index, the backend a WebGPU worker would run it on
 */
export function workerSpeed(member: Member, backends: readonly BackendName[]): WorkerSpeed {
  const ops = new Set(member.info.ops);
  const gpu = member.info.backends[0] === "webgpu";
  return {
    id: member.info.id,
    gflops: (op, i) => {
      const backend = gpu ? backends[i] : "wasm";
      return member.info.gflops[`${backend}.${opClass(op)}`] ?? 1;
    },
    supports: (op) => ops.has(op),
  };
}

/** Per node, the backend a WebGPU worker runs it on: WebGPU where it has a kernel, else WASM. */
function gpuPlacement(graph: Graph, opset: number): BackendName[] {
  const types = inferShapes(graph, opset);
  // f16 shaders are not assumed: a worker that has them only runs more nodes on WebGPU.
  const placed = placeNodes(graph, opset, [webgpuBackend(false), WASM_BACKEND], types);
  return graph.nodes.map((n) => placed.get(n) ?? "wasm");
}

/**
 * Places `graph` on `members`.
 * @param link the bus's link profile (options.link overrides parts of it)
 * @param measured corrections from stage times measured on an earlier placement
 * @throws {PartitionError} when no worker set can run it
 */
export function placeModel(
  graph: Graph,
  opset: number,
  members: readonly Member[],
  link: LinkProfile,
  options: PlacementOptions = {},
  measured?: Measured,
): PlacedStage[] {
  const cost = graphCost(graph, opset, options.dims);
  const { bytesPerSec, hopMs, cpuMsPerByte } = { ...link, ...options.link };
  const live = liveAcrossCuts(graph);
  const cutBytes = live.map((set) =>
    [...set].reduce((a, n) => a + (cost.valueBytes.get(n) ?? 0), 0)
  );
  const gpu = members.some((m) => m.info.backends[0] === "webgpu");
  const backends = gpu ? gpuPlacement(graph, opset) : [];
  const speeds = members.map((m) => workerSpeed(m, backends));
  const plan = partition({
    ops: graph.nodes.map((n) => n.opType),
    flops: cost.nodes.map((n, i) => n.flops * (measured?.nodeScale[i] ?? 1)),
    cutBytes,
    workers: speeds,
    linkBytesPerSec: bytesPerSec,
    hopMs,
    cpuMsPerByte,
    stages: options.stages === undefined ? undefined : Math.min(options.stages, members.length),
    uncuttable: insideFusedChains(graph),
  });
  const stages = plan.stages.map((s, index): PlacedStage => ({
    index,
    start: s.start,
    end: s.end,
    workers: [s.worker],
    flops: cost.nodes.slice(s.start, s.end).reduce((a, n) => a + n.flops, 0),
    inBytes: cutBytes[s.start],
    outBytes: cutBytes[s.end],
    computeMs: s.computeMs,
    wireMs: s.wireMs,
    backend: "wasm",
  }));
  addReplicas(stages, speeds, graph);
  for (const s of stages) s.backend = preferredBackend(members, s.workers[0]);
  return stages;
}

/**
 * Cut positions inside a chain of nodes the engine runs as one kernel (a Conv with its
 * activation epilogue, a spelled-out layer norm). Split across two stages, such a chain
 * runs node by node, with different rounding than the single-process engine's.
 */
function insideFusedChains(graph: Graph): Set<number> {
  const index = new Map(graph.nodes.map((n, i) => [n, i]));
  const chains = [...fusedChains(graph, () => false), ...layerNorms(graph, () => false)];
  const inside = new Set<number>();
  for (const [, { chain }] of chains) {
    const at = chain.map((n) => index.get(n)!);
    for (let c = Math.min(...at) + 1; c <= Math.max(...at); c++) inside.add(c);
  }
  return inside;
}

function preferredBackend(members: readonly Member[], id: string): BackendName {
  const first = members.find((m) => m.info.id === id)?.info.backends[0];
  return first === "webgpu" ? "webgpu" : "wasm";
}

/** Gives each unused worker to the stage with the most work per serving worker it can run. */
function addReplicas(stages: PlacedStage[], speeds: WorkerSpeed[], graph: Graph): void {
  const used = new Set(stages.flatMap((s) => s.workers));
  for (const w of speeds.filter((w) => !used.has(w.id))) {
    const candidates = stages.filter((s) =>
      graph.nodes.slice(s.start, s.end).every((n) => w.supports(n.opType))
    );
    if (candidates.length === 0) continue;
    const busiest = candidates.reduce((a, b) =>
      a.computeMs / a.workers.length >= b.computeMs / b.workers.length ? a : b
    );
    busiest.workers.push(w.id);
  }
}
