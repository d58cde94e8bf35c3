/**
 * Which backend a worker runs its stages on, from what was asked and what the machine has.
 * @module
 */
import { BackendUnavailableError } from "../errors.ts";
import type { WorkerBackend } from "./calibrate.ts";

/** A backend choice: "auto" takes WebGPU when an adapter exists, else WASM. */
export type BackendRequest = WorkerBackend | "auto";

/** The backend picked, with the adapter that will run it. */
export interface PickedBackend {
  backend: WorkerBackend;
  /** The WebGPU adapter, as `GPUAdapterInfo` describes it; absent for WASM. */
  adapter?: string;
}

/**
 * Picks the backend for `request`.
 * @throws {BackendUnavailableError} when "webgpu" is asked for and no adapter exists
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(await pickBackend("wasm"), { backend: "wasm" });
 * ```
 */
export async function pickBackend(request: BackendRequest): Promise<PickedBackend> {
  if (request === "wasm") return { backend: "wasm" };
  const gpu = (globalThis.navigator as { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (adapter) return { backend: "webgpu", adapter: describe(adapter.info) };
  if (request === "auto") return { backend: "wasm" };
  throw new BackendUnavailableError(
    "webgpu",
    gpu ? "no adapter was found" : "navigator.gpu is missing (run Deno with --unstable-webgpu)",
  );
}

/** "llvmpipe (LLVM 15.0.6, 256 bits); vendor 65541; fallback adapter". */
function describe(info: GPUAdapterInfo): string {
  return [
    info.description || info.device || "unnamed adapter",
    info.vendor && `vendor ${info.vendor}`,
    info.architecture && `architecture ${info.architecture}`,
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter && "fallback adapter",
  ].filter(Boolean).join("; ");
}
