/**
 * The embedded mode's workers: Web Workers in this process, joined to an in-process bus,
 * running the same agent code a remote worker runs.
 * @module
 */
import type { MemoryHub } from "../../bus/memory_bus.ts";

/** Local workers started by {@linkcode startLocalWorkers}. */
export interface LocalWorkers {
  ids: string[];
  /** Terminates one worker at once, as a crash would. */
  kill(id: string): void;
  close(): void;
}

/**
 * Starts `count` Web Workers, each a worker agent on `hub`'s cluster.
 * @param speeds calibrated speeds to announce (skips each worker's own calibration)
 */
export async function startLocalWorkers(
  hub: MemoryHub,
  cluster: string,
  count: number,
  speeds?: Record<string, number>,
): Promise<LocalWorkers> {
  const url = new URL("../../worker/agent/web_worker_main.ts", import.meta.url);
  const workers = new Map<string, { worker: Worker; port: MessagePort }>();
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const worker = new Worker(url, { type: "module" });
    const channel = new MessageChannel();
    hub.attach(channel.port1);
    const started = new Promise<string>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data.started);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`Cannot start local worker ${i}: ${e.message}`));
      };
    });
    worker.postMessage(
      { port: channel.port2, cluster, options: { name: `local-${i}`, speeds } },
      [channel.port2],
    );
    workers.set(await started, { worker, port: channel.port1 });
  }));
  const kill = (id: string) => {
    const w = workers.get(id);
    if (!w) return;
    w.worker.terminate();
    hub.detach(w.port);
    w.port.close();
    workers.delete(id);
  };
  return {
    ids: [...workers.keys()],
    kill,
    close: () => [...workers.keys()].forEach(kill),
  };
}
