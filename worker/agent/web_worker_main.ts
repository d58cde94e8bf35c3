/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Entry of a local worker in the embedded mode: a Web Worker that runs a
 * {@linkcode WorkerAgent} over the in-process bus port its parent sends.
 * @module
 */
import { connectPort } from "../../bus/memory_bus.ts";
import { Subjects } from "../../bus/subjects.ts";
import { type AgentOptions, WorkerAgent } from "./agent.ts";

/** The first message a local worker receives. */
export interface LocalWorkerInit {
  port: MessagePort;
  cluster: string;
  options: AgentOptions;
}

self.onmessage = async (e: MessageEvent<LocalWorkerInit>) => {
  const { port, cluster, options } = e.data;
  const agent = await WorkerAgent.start(connectPort(port), new Subjects(cluster), options);
  self.postMessage({ started: agent.id });
};
