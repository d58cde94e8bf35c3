/**
 * The ONNX backend node tests: meshrt passes at least 95% of those ONNX Runtime passes.
 * Prints the per-op table and totals that `deno task conformance` prints.
 */
import assert from "node:assert/strict";
import { type CaseResult, formatReport, runSuite } from "./run_suite.ts";

/** Share of ONNX Runtime's passing tests meshrt must pass too. */
const REQUIRED_SHARE = 0.95;

function failures(results: readonly CaseResult[]): string {
  return results
    .filter((r) => r.entry.ort === "pass" && r.status !== "pass")
    .map((r) => `${r.status} ${r.entry.name}: ${r.detail}`)
    .join("\n");
}

Deno.test("meshrt passes at least 95% of the ONNX node tests ONNX Runtime passes", async () => {
  const results = await runSuite();
  console.log(formatReport(results));
  const ortPass = results.filter((r) => r.entry.ort === "pass");
  const passed = ortPass.filter((r) => r.status === "pass").length;
  assert.ok(ortPass.length > 0, "the manifest lists no test ONNX Runtime passes");
  assert.ok(
    passed >= REQUIRED_SHARE * ortPass.length,
    `meshrt passes ${passed} of ONNX Runtime's ${ortPass.length} passing tests; failing:\n${
      failures(results)
    }`,
  );
});
