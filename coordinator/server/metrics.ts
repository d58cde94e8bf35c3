/**
 * GET /metrics in Prometheus' text format: requests and latency per model, queue depth,
 * batch sizes, per-stage time, workers, jobs.
 * @module
 */
import type { Cluster } from "../cluster/cluster.ts";
import type { Repository } from "./repository.ts";
import type { Histogram } from "./stats.ts";

type Labels = Record<string, string | number>;

const label = (l: Labels) =>
  Object.keys(l).length === 0
    ? ""
    : `{${
      Object.entries(l).map(([k, v]) => `${k}="${String(v).replaceAll(/["\\\n]/g, "_")}"`).join(",")
    }}`;

class Text {
  readonly lines: string[] = [];
  family(name: string, type: string, help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, labels: Labels, value: number): void {
    this.lines.push(`${name}${label(labels)} ${value}`);
  }
  histogram(name: string, labels: Labels, h: Histogram): void {
    h.bounds.forEach((b, i) => this.sample(`${name}_bucket`, { ...labels, le: b }, h.counts[i]));
    this.sample(`${name}_bucket`, { ...labels, le: "+Inf" }, h.count);
    this.sample(`${name}_sum`, labels, h.sum);
    this.sample(`${name}_count`, labels, h.count);
  }
}

/**
 * Renders the metrics.
 * @param cluster the coordinator's cluster (workers)
 * @param repository the served models
 * @returns the exposition text
 * @example
 * ```ts ignore
 * const text = renderMetrics(cluster, repository);
 * ```
 */
export function renderMetrics(cluster: Cluster, repository: Repository): string {
  const t = new Text();
  const served = repository.served();
  const id = (s: (typeof served)[number]) => ({
    model: s.deployed.name,
    version: s.deployed.version,
  });
  t.family("meshrt_requests_total", "counter", "Inference requests by outcome");
  for (const s of served) {
    t.sample("meshrt_requests_total", { ...id(s), status: "success" }, s.stats.requests.success);
    t.sample("meshrt_requests_total", { ...id(s), status: "failure" }, s.stats.requests.failure);
  }
  t.family("meshrt_request_duration_seconds", "histogram", "Request latency, queue included");
  for (const s of served) t.histogram("meshrt_request_duration_seconds", id(s), s.stats.latency);
  t.family("meshrt_queue_depth", "gauge", "Requests queued or running");
  for (const s of served) t.sample("meshrt_queue_depth", id(s), s.queueDepth);
  t.family("meshrt_batch_size", "histogram", "Rows per model execution");
  for (const s of served) t.histogram("meshrt_batch_size", id(s), s.stats.batchSizes);
  t.family("meshrt_stage_ms_avg", "gauge", "Mean time per request of each pipeline stage, ms");
  for (const s of served) {
    for (const st of s.deployed.stages) {
      t.sample("meshrt_stage_ms_avg", { ...id(s), stage: st.index }, s.deployed.msAvg(st.index));
    }
  }
  t.family("meshrt_workers", "gauge", "Live workers");
  t.sample("meshrt_workers", {}, cluster.membership.workers().length);
  return t.lines.join("\n") + "\n";
}
