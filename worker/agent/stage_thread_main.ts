/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Entry of the thread a stage computes in (see `StageThread`): it holds the stage's session
 * and runs the requests posted to it one by one, so that the agent's own thread stays free
 * to answer the bus while a stage computes.
 * @module
 */
import { InferenceSession } from "../session.ts";
import {
  fromPosted,
  type StageReply,
  type StageRequest,
  toPosted,
  transferables,
} from "./stage_messages.ts";

let session: InferenceSession | undefined;
/** Requests run strictly in turn, even when a WebGPU run awaits its device. */
let queue = Promise.resolve();

self.onmessage = (e: MessageEvent<StageRequest>) => {
  queue = queue.then(() => handle(e.data));
};

function reply(r: StageReply): void {
  self.postMessage(r, r.op === "done" ? transferables(r.tensors) : []);
}

async function handle(m: StageRequest): Promise<void> {
  try {
    if (m.op === "load") {
      session = await InferenceSession.create(m.onnx, m.options);
      reply({ op: "loaded" });
      return;
    }
    const start = performance.now();
    const outputs = await session!.run(fromPosted(m.tensors));
    reply({ op: "done", id: m.id, tensors: toPosted(outputs), ms: performance.now() - start });
  } catch (err) {
    const { name, message } = err as Error;
    reply({ op: "failed", id: m.op === "run" ? m.id : -1, name, message });
  }
}
