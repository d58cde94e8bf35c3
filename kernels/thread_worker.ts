/**
 * One intra-op thread (see threads.ts): instantiates the threaded kernels over the shared
 * memory, moves its stack pointer to its own stack, then works on each job it is woken for
 * until told to stop. It blocks in `Atomics.wait` between jobs, never returning to its
 * event loop.
 * @module
 */
/// <reference lib="deno.worker" />
import { type KernelFn, STOP, waitChange, WORD, work } from "./_job.ts";
import type { WorkerInit } from "./threads.ts";

self.onmessage = (e: MessageEvent<WorkerInit>) => {
  const { module, memory, names, control, args, stackTop } = e.data;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  (instance.exports.__stack_pointer as WebAssembly.Global).value = stackTop;
  const fns = names.map((n) => instance.exports[n] as KernelFn);
  self.postMessage("ready");
  for (let job = 0;;) {
    job = waitChange(control, WORD.wake, job);
    if (job === STOP) break;
    work(control, args, fns, job);
  }
  self.close();
};
