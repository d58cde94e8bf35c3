/**
 * The cluster as /v1/cluster and the dashboard show it: workers, and each served model's
 * stages with the workers serving them and their measured time.
 * @module
 */
import type { Cluster } from "../cluster/cluster.ts";
import type { Repository } from "./repository.ts";

/** A worker as /v1/cluster lists it. */
export interface WorkerView {
  id: string;
  name: string;
  backends: string[];
  /** The WebGPU adapter's description; empty for WASM-only workers. */
  adapter: string;
  /** Calibrated speed per backend and op class ("webgpu.compute", "wasm.memory", ...). */
  gflops: Record<string, number>;
  /** Stages it serves ("model/version/generation/index" keys, as the worker reports them). */
  stages: string[];
  /** Ms since its last heartbeat. */
  lastSeenMs: number;
}

/** A stage as /v1/cluster lists it. */
export interface StageView {
  index: number;
  workers: string[];
  nodes: number;
  flops: number;
  inBytes: number;
  outBytes: number;
  msAvg: number;
}

/** The whole view. */
export interface ClusterView {
  workers: WorkerView[];
  models: { name: string; version: string; stages: StageView[] }[];
}

/**
 * Snapshots the cluster.
 * @param cluster the coordinator's cluster
 * @param repository the served models
 * @returns workers and models with their stages
 * @example
 * ```ts ignore
 * const view = clusterView(cluster, repository);
 * console.log(view.workers.length);
 * ```
 */
export function clusterView(cluster: Cluster, repository: Repository): ClusterView {
  const now = Date.now();
  return {
    workers: cluster.membership.workers().map((m) => ({
      id: m.info.id,
      name: m.info.name,
      backends: m.info.backends,
      adapter: m.info.adapter,
      gflops: m.info.gflops,
      stages: m.stageKeys,
      lastSeenMs: now - m.lastSeen,
    })),
    models: repository.served().map(({ deployed: d }) => ({
      name: d.name,
      version: d.version,
      stages: d.stages.map((s) => ({
        index: s.index,
        workers: s.workers,
        nodes: s.end - s.start,
        flops: s.flops,
        inBytes: s.inBytes,
        outBytes: s.outBytes,
        msAvg: d.msAvg(s.index),
      })),
    })),
  };
}
