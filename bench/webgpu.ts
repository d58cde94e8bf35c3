/**
 * `deno task bench webgpu`: per-model latency with `["webgpu", "wasm"]` beside meshrt on
 * WASM alone and onnxruntime-node, in one run, with how many nodes WebGPU ran and the bytes
 * that crossed per run. On Mesa's lavapipe (no GPU) the figures measure a CPU emulating a
 * GPU: they show the path works, not GPU speed.
 * @module
 */
import * as ortNode from "onnxruntime-node";
import { InferenceSession } from "../worker/session.ts";
import { GpuDevice } from "../worker/webgpu/device.ts";
import type { Tensor } from "../graph/tensor.ts";
import { loadModelCase, type ModelName, modelPath } from "../tests/model_cases.ts";
import { timeIt, type Timing } from "./stats.ts";

/** One model's row. */
export interface WebGpuRow {
  model: ModelName;
  webgpu?: Timing;
  wasm?: Timing;
  ortNode?: Timing;
  /** Nodes WebGPU ran, of all nodes. */
  gpuNodes?: string;
  /** Bytes to and from the device per run. */
  bytesPerRun?: number;
  error?: string;
}

/** The adapter the bench runs on, as it describes itself. */
export async function adapterDescription(): Promise<string> {
  const gpu = await GpuDevice.open();
  const { vendor, architecture, description } = gpu.info;
  gpu.destroy();
  return [description, vendor, architecture].filter((s) => s).join(", ");
}

async function timeSession(
  bytes: Uint8Array,
  inputs: Record<string, Tensor>,
  providers: string[],
  budgetMs: number,
): Promise<{ timing: Timing; session: InferenceSession }> {
  const session = await InferenceSession.create(bytes, { executionProviders: providers });
  const timing = await timeIt(() => session.run(inputs), { budgetMs });
  return { timing, session };
}

/** Benches one model on WebGPU first, on WASM, and on onnxruntime-node (default threads). */
export async function benchWebGpuModel(model: ModelName, budgetMs: number): Promise<WebGpuRow> {
  const { inputs } = loadModelCase(model);
  const bytes = await Deno.readFile(modelPath(model));
  const row: WebGpuRow = { model };
  try {
    const gpu = await timeSession(bytes, inputs, ["webgpu", "wasm"], budgetMs);
    row.webgpu = gpu.timing;
    const placed = [...gpu.session.placement.values()];
    row.gpuNodes = `${placed.filter((b) => b === "webgpu").length}/${placed.length}`;
    const { toDevice, toHost } = gpu.session.transfers;
    row.bytesPerRun = Math.round((toDevice + toHost) / (gpu.timing.runs + 3));
    gpu.session.release();
    const wasm = await timeSession(bytes, inputs, ["wasm"], budgetMs);
    row.wasm = wasm.timing;
    wasm.session.release();
  } catch (e) {
    row.error = (e as Error).message;
  }
  const node = await ortNode.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const feeds = Object.fromEntries(
    Object.entries(inputs).map(([k, t]) => [k, new ortNode.Tensor(t.type, t.data, t.dims)]),
  );
  row.ortNode = await timeIt(() => node.run(feeds), { budgetMs });
  await node.release();
  return row;
}

/** The table as text. */
export function formatWebGpuTable(adapter: string, rows: readonly WebGpuRow[]): string {
  const ms = (t?: Timing) => (t ? `${t.medianMs.toFixed(2)}/${t.p90Ms.toFixed(2)}` : "-");
  const lines = [
    `adapter: ${adapter}`,
    "median/p90 ms        webgpu+wasm       wasm            ort-node        gpu nodes  bytes/run",
  ];
  for (const r of rows) {
    lines.push(
      [
        r.model.padEnd(20),
        ms(r.webgpu).padEnd(17),
        ms(r.wasm).padEnd(15),
        ms(r.ortNode).padEnd(15),
        (r.gpuNodes ?? "-").padEnd(10),
        String(r.bytesPerRun ?? "-"),
        r.error ? ` failed: ${r.error}` : "",
      ].join(" "),
    );
  }
  return lines.join("\n");
}
