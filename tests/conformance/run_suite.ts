/**
 * Runs the ONNX backend node tests on meshrt and tallies them per op.
 * @module
 */
import { InferenceSession } from "../../worker/session.ts";
import type { Tensor } from "../../graph/tensor.ts";
import { compareTensors, loadCase, type ManifestEntry, readManifest } from "./onnx_case.ts";

/** How one test went. */
export interface CaseResult {
  entry: ManifestEntry;
  status: "pass" | "fail" | "unsupported";
  detail?: string;
}

/** Errors that mean "meshrt does not implement this", not "meshrt got it wrong". */
const UNSUPPORTED = new Set(["UnsupportedOpError", "UnsupportedDTypeError"]);

/** Runs one test case. */
export async function runCase(entry: ManifestEntry, providers?: string[]): Promise<CaseResult> {
  let session: InferenceSession | undefined;
  try {
    const c = loadCase(entry.name);
    session = await InferenceSession.create(c.model, { executionProviders: providers });
    const feeds: Record<string, Tensor> = {};
    session.inputNames.forEach((name, i) => (feeds[name] = c.inputs[i]));
    const got = await session.run(feeds);
    for (let i = 0; i < c.outputs.length; i++) {
      const name = session.outputNames[i];
      const diff = compareTensors(got[name], c.outputs[i]);
      if (diff) return { entry, status: "fail", detail: `output "${name}": ${diff}` };
    }
    return { entry, status: "pass" };
  } catch (e) {
    const err = e as Error;
    const unsupported = UNSUPPORTED.has(err.name) ||
      UNSUPPORTED.has((err.cause as Error | undefined)?.name ?? "");
    return {
      entry,
      status: unsupported ? "unsupported" : "fail",
      detail: `${err.name}: ${err.message}`,
    };
  } finally {
    session?.release();
  }
}

/** Runs every test whose name matches `filter`. */
export async function runSuite(filter?: RegExp, providers?: string[]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const entry of readManifest()) {
    if (filter && !filter.test(entry.name)) continue;
    results.push(await runCase(entry, providers));
  }
  return results;
}

/** The per-op table and totals as text. */
export function formatReport(results: readonly CaseResult[]): string {
  const perOp = new Map<string, { pass: number; fail: number; unsupported: number }>();
  for (const r of results) {
    for (const op of r.entry.ops) {
      const row = perOp.get(op) ?? { pass: 0, fail: 0, unsupported: 0 };
      row[r.status]++;
      perOp.set(op, row);
    }
  }
  const lines = ["op                      pass  fail  unsupported"];
  for (const [op, row] of [...perOp].sort()) {
    lines.push(
      `${op.padEnd(22)} ${String(row.pass).padStart(5)} ${String(row.fail).padStart(5)} ${
        String(row.unsupported).padStart(12)
      }`,
    );
  }
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const ortPass = results.filter((r) => r.entry.ort === "pass");
  const ours = ortPass.filter((r) => r.status === "pass").length;
  lines.push(
    "",
    `total ${results.length}: ${count("pass")} pass, ${count("fail")} fail, ${
      count("unsupported")
    } unsupported`,
    `of the ${ortPass.length} tests ONNX Runtime passes, meshrt passes ${ours} (${
      (100 * ours / Math.max(1, ortPass.length)).toFixed(1)
    }%)`,
  );
  return lines.join("\n");
}
