/**
 * Starts the whole server: the bus (in-process with local workers, or NATS), the cluster,
 * the repository, the job store and the HTTP listener.
 * @module
 */
import { MemoryHub } from "../../bus/memory_bus.ts";
import { connectNats } from "../../bus/nats_bus.ts";
import { Subjects } from "../../bus/subjects.ts";
import type { Bus } from "../../bus/bus.ts";
import { Cluster } from "../cluster/cluster.ts";
import { type LocalWorkers, startLocalWorkers } from "../cluster/local_workers.ts";
import { createApp } from "./app.ts";
import { Repository } from "./repository.ts";
import { Jobs } from "./jobs/jobs.ts";
import { type JobStore, MemoryJobStore } from "./jobs/job_store.ts";
import { JetStreamJobStore } from "./jobs/jetstream_job_store.ts";

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  hostname?: string;
  /** Triton-layout repository folder loaded at start. */
  modelsDir?: string;
  /** NATS URL: workers are separate processes; jobs live in JetStream. */
  natsUrl?: string;
  /** Local workers in embedded mode. */
  workers?: number;
  cluster?: string;
  token?: string;
  bodyLimit?: number;
  jobTtlMs?: number;
  /** Calibrated speeds local workers announce (skips their calibration; for tests). */
  workerSpeeds?: Record<string, number>;
}

/** A running server. */
export interface Server extends AsyncDisposable {
  url: string;
  port: number;
  cluster: Cluster;
  repository: Repository;
  /** Resolves once the repository folder is loaded and unfinished jobs resumed. */
  loaded: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts serving.
 * @param options port, repository, mode and limits
 * @returns the running server
 * @example
 * ```ts ignore
 * await using server = await startServer({ port: 0, modelsDir: "models", workers: 2 });
 * await server.loaded;
 * console.log(server.url);
 * ```
 */
export async function startServer(options: ServerOptions): Promise<Server> {
  const name = options.cluster ?? "default";
  const ttlMs = options.jobTtlMs ?? 3_600_000;
  const mode = options.natsUrl ? await natsMode(options.natsUrl, name, ttlMs) : await embeddedMode(
    name,
    options.workers ?? navigator.hardwareConcurrency,
    options.workerSpeeds,
    ttlMs,
  );
  const cluster = new Cluster(mode.bus, new Subjects(name));
  const repository = new Repository(cluster, options.modelsDir);
  const jobs = new Jobs(mode.store, repository);
  let ready = false;
  const loaded = (async () => {
    await cluster.membership.waitFor(mode.workers, 24 * 3_600_000);
    await repository.loadAll();
    await jobs.resume();
    ready = true;
  })();
  loaded.catch((e) => console.error(`meshrt: cannot load the repository: ${e.message}`));
  const app = createApp({
    cluster,
    repository,
    jobs,
    ready: () => ready,
    token: options.token,
    bodyLimit: options.bodyLimit,
  });
  const http = Deno.serve(
    { port: options.port, hostname: options.hostname, onListen: () => {} },
    app.fetch,
  );
  const close = async () => {
    await http.shutdown();
    await cluster.close();
    await mode.store.close();
    mode.local?.close();
    await mode.bus.close();
  };
  const host = options.hostname ?? "localhost";
  return {
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${http.addr.port}`,
    port: http.addr.port,
    cluster,
    repository,
    loaded,
    close,
    [Symbol.asyncDispose]: close,
  };
}

interface Mode {
  bus: Bus;
  store: JobStore;
  /** Workers to wait for before loading models. */
  workers: number;
  local?: LocalWorkers;
}

async function embeddedMode(
  cluster: string,
  count: number,
  speeds: Record<string, number> | undefined,
  ttlMs: number,
): Promise<Mode> {
  const hub = new MemoryHub();
  const local = await startLocalWorkers(hub, cluster, count, speeds);
  return { bus: hub.connect(), store: new MemoryJobStore(ttlMs), workers: count, local };
}

async function natsMode(url: string, cluster: string, ttlMs: number): Promise<Mode> {
  const bus = await connectNats({ servers: url, name: "meshrt-coordinator" });
  return { bus, store: await JetStreamJobStore.open(url, cluster, ttlMs), workers: 1 };
}
