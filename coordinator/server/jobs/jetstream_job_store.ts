/**
 * Jobs in a JetStream key-value bucket, so that an accepted job outlives the coordinator
 * that accepted it.
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type KV, Kvm } from "@nats-io/kv";
import type { JobRecord, JobStore } from "./job_store.ts";
import { PayloadTooLargeError } from "../errors.ts";

/**
 * A job store over NATS JetStream KV (bucket `meshrt_jobs_<cluster>`, entries expire
 * after the TTL).
 * @example
 * ```ts ignore
 * const store = await JetStreamJobStore.open("nats://127.0.0.1:4222", "prod", 3_600_000);
 * await store.put(job);
 * await store.close();
 * ```
 */
export class JetStreamJobStore implements JobStore {
  private constructor(readonly nc: NatsConnection, readonly kv: KV) {}

  /**
   * Connects and opens (or creates) the cluster's bucket.
   * @param servers NATS URL(s)
   * @param cluster the cluster name (one bucket per cluster)
   * @param ttlMs how long a record lives after its last change
   */
  static async open(servers: string, cluster: string, ttlMs: number): Promise<JetStreamJobStore> {
    const nc = await connect({ servers, name: "meshrt-jobs", maxReconnectAttempts: -1 });
    const bucket = `meshrt_jobs_${cluster.replaceAll(/[^A-Za-z0-9_-]/g, "_")}`;
    const kv = await new Kvm(nc).create(bucket, { ttl: ttlMs, history: 1 });
    return new JetStreamJobStore(nc, kv);
  }

  async put(job: JobRecord): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(job));
    const limit = this.nc.info?.max_payload ?? 1 << 20;
    // A record over the server's payload limit cannot be stored durably.
    if (data.length > limit - 1024) throw new PayloadTooLargeError(limit - 1024);
    await this.kv.put(job.id, data);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const entry = await this.kv.get(id);
    return entry && entry.operation === "PUT" ? entry.json<JobRecord>() : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.kv.purge(id);
  }

  async unfinished(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for await (const key of await this.kv.keys()) {
      const job = await this.get(key);
      if (job && (job.status === "queued" || job.status === "running")) out.push(job);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
