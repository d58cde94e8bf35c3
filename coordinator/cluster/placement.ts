/**
 * From a model and the live workers to a placement: stages cut by the partitioner, each
 * on a worker, with the workers left over added as replicas of the busiest stages.
 * @module
 */
import type { Graph } from "../../graph/ir.ts";
import { graphCost } from "../../graph/cost.ts";
import { liveAcrossCuts } from "../../graph/subgraph.ts";
import { opClass } from "../../graph/op_class.ts";
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
}

/** Options of {@linkcode placeModel}. */
export interface PlacementOptions {
  /** Exact stage count; chosen for throughput when absent. */
  stages?: number;
  /** Link speed assumed between workers (bytes/s). */
  linkBytesPerSec?: number;
  /** Fixed cost per hop, ms. */
  hopMs?: number;
  /** Values for symbolic dims when costing (default 1). */
  dims?: Record<string, number>;
}

/** A worker's speed as the partitioner asks for it. */
export function workerSpeed(member: Member, backend = "wasm"): WorkerSpeed {
  const ops = new Set(member.info.ops);
  return {
    id: member.info.id,
    gflops: (op) => member.info.gflops[`${backend}.${opClass(op)}`] ?? 1,
    supports: (op) => ops.has(op),
  };
}

/**
 * Places `graph` on `members`.
 * @throws {PartitionError} when no worker set can run it
 */
export function placeModel(
  graph: Graph,
  opset: number,
  members: readonly Member[],
  options: PlacementOptions = {},
): PlacedStage[] {
  const cost = graphCost(graph, opset, options.dims);
  const live = liveAcrossCuts(graph);
  const cutBytes = live.map((set) =>
    [...set].reduce((a, n) => a + (cost.valueBytes.get(n) ?? 0), 0)
  );
  const speeds = members.map((m) => workerSpeed(m));
  const plan = partition({
    ops: graph.nodes.map((n) => n.opType),
    flops: cost.nodes.map((n) => n.flops),
    cutBytes,
    workers: speeds,
    linkBytesPerSec: options.linkBytesPerSec ?? 200e6,
    hopMs: options.hopMs ?? 0.5,
    stages: options.stages === undefined ? undefined : Math.min(options.stages, members.length),
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
  }));
  addReplicas(stages, speeds, graph);
  return stages;
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
