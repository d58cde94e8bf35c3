/**
 * Per-model latency of meshrt (1 and 2 intra-op threads) beside onnxruntime-web (wasm,
 * 1 thread) and onnxruntime-node (1 and 2 intra-op threads), same inputs, same run, the
 * five timed in turns so that the machine's drift reaches them alike.
 * @module
 */
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { InferenceSession } from "../worker/session.ts";
import type { Tensor } from "../graph/tensor.ts";
import { loadModelCase, MODEL_NAMES, type ModelName, modelPath } from "../tests/model_cases.ts";
import { timeInTurns, type Timing } from "./stats.ts";

/** One model's row. */
export interface ModelRow {
  model: ModelName;
  meshrt?: Timing;
  /** meshrt with `intraOpNumThreads: 2`. */
  meshrt2?: Timing;
  ortWeb?: Timing;
  ortNode1?: Timing;
  ortNode2?: Timing;
  error?: string;
}

type OrtTensorCtor<T> = new (type: string, data: Tensor["data"], dims: readonly number[]) => T;

function ortFeeds<T>(Ctor: OrtTensorCtor<T>, feeds: Record<string, Tensor>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [k, new Ctor(t.type, t.data, t.dims)]),
  );
}

/** Benches one model on every runtime, in turns (see {@linkcode timeInTurns}). */
export async function benchModel(model: ModelName, budgetMs: number): Promise<ModelRow> {
  const { inputs } = loadModelCase(model);
  const bytes = await Deno.readFile(modelPath(model));
  const row: ModelRow = { model };
  const runs: Partial<Record<Exclude<keyof ModelRow, "model" | "error">, () => Promise<unknown>>> =
    {};
  const closers: (() => unknown)[] = [];
  try {
    try {
      for (const threads of [1, 2] as const) {
        const meshrt = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
        closers.push(() => meshrt.release());
        runs[threads === 1 ? "meshrt" : "meshrt2"] = () => meshrt.run(inputs);
      }
    } catch (e) {
      row.error = (e as Error).message;
    }
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.wasm.simd = true;
    const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
    closers.push(() => web.release());
    const webFeeds = ortFeeds(ortWeb.Tensor as unknown as OrtTensorCtor<ortWeb.Tensor>, inputs);
    runs.ortWeb = () => web.run(webFeeds);
    const nodeFeeds = ortFeeds(ortNode.Tensor as unknown as OrtTensorCtor<ortNode.Tensor>, inputs);
    for (const threads of [1, 2] as const) {
      const node = await ortNode.InferenceSession.create(bytes, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        logSeverityLevel: 3,
      });
      closers.push(() => node.release());
      runs[threads === 1 ? "ortNode1" : "ortNode2"] = () => node.run(nodeFeeds);
    }
    Object.assign(row, await timeInTurns(runs, { budgetMs }));
  } finally {
    for (const close of closers) await close();
  }
  return row;
}

/** Benches the named models (all by default). */
export async function benchModels(names: readonly ModelName[] = MODEL_NAMES, budgetMs = 1500) {
  const rows: ModelRow[] = [];
  for (const name of names) rows.push(await benchModel(name, budgetMs));
  return rows;
}

/** The table as text, with meshrt's ratio to each anchor. */
export function formatModelTable(rows: readonly ModelRow[]): string {
  const ms = (t?: Timing) => (t ? `${t.medianMs.toFixed(2)}/${t.p90Ms.toFixed(2)}` : "-");
  const ratio = (a?: Timing, b?: Timing) => (a && b ? (a.medianMs / b.medianMs).toFixed(2) : "-");
  const lines = [
    "median/p90 ms        meshrt          meshrt(2t)      ort-web(1t)     ort-node(1t)    " +
    "ort-node(2t)    ÷web  ÷node1 2t÷node2",
  ];
  for (const r of rows) {
    lines.push(
      [
        r.model.padEnd(20),
        ms(r.meshrt).padEnd(15),
        ms(r.meshrt2).padEnd(15),
        ms(r.ortWeb).padEnd(15),
        ms(r.ortNode1).padEnd(15),
        ms(r.ortNode2).padEnd(15),
        ratio(r.meshrt, r.ortWeb).padEnd(5),
        ratio(r.meshrt, r.ortNode1).padEnd(6),
        ratio(r.meshrt2, r.ortNode2),
        r.error ? ` meshrt failed: ${r.error}` : "",
      ].join(" "),
    );
  }
  return lines.join("\n");
}
