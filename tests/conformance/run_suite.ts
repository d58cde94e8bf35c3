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
  /** Op types of the nodes WebGPU ran (empty without the webgpu provider). */
  gpuOps: string[];
}

/** Errors that mean "meshrt does not implement this", not "meshrt got it wrong". */
const UNSUPPORTED = new Set(["UnsupportedOpError", "UnsupportedDTypeError"]);

/** Runs one test case. */
export async function runCase(entry: ManifestEntry, providers?: string[]): Promise<CaseResult> {
  let session: InferenceSession | undefined;
  try {
    const c = loadCase(entry.name);
    session = await InferenceSession.create(c.model, { executionProviders: providers });
    const gpuOps = [
      ...new Set(
        session.model.graph.nodes.filter((n) => session!.placement.get(n.name) === "webgpu")
          .map((n) => n.opType),
      ),
    ];
    const feeds: Record<string, Tensor> = {};
    session.inputNames.forEach((name, i) => (feeds[name] = c.inputs[i]));
    const got = await session.run(feeds);
    for (let i = 0; i < c.outputs.length; i++) {
      const name = session.outputNames[i];
      const diff = compareTensors(got[name], c.outputs[i]);
      if (diff) return { entry, status: "fail", detail: `output "${name}": ${diff}`, gpuOps };
    }
    return { entry, status: "pass", gpuOps };
  } catch (e) {
    const err = e as Error;
    const unsupported = UNSUPPORTED.has(err.name) ||
      UNSUPPORTED.has((err.cause as Error | undefined)?.name ?? "");
    return {
      entry,
      status: unsupported ? "unsupported" : "fail",
      detail: `${err.name}: ${err.message}`,
      gpuOps: [],
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
  const lines = opTable(results, (r) => r.entry.ops);
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
  const claimed = results.filter((r) => r.gpuOps.length > 0);
  if (claimed.length > 0) {
    const passed = claimed.filter((r) => r.status === "pass").length;
    lines.push(
      "",
      "webgpu: tests with nodes on webgpu, by the ops webgpu ran",
      ...opTable(claimed, (r) => r.gpuOps),
      "",
      `webgpu ran nodes in ${claimed.length} tests; ${passed} pass (${
        (100 * passed / claimed.length).toFixed(1)
      }%)`,
    );
  }
  return lines.join("\n");
}

/** Pass/fail/unsupported counts per op, the ops of a test given by `opsOf`. */
function opTable(results: readonly CaseResult[], opsOf: (r: CaseResult) => string[]): string[] {
  const perOp = new Map<string, { pass: number; fail: number; unsupported: number }>();
  for (const r of results) {
    for (const op of opsOf(r)) {
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
  return lines;
}
