/**
 * The ONNX backend node tests: meshrt passes at least 95% of those ONNX Runtime passes, and
 * with the webgpu provider first, at least 90% of the tests in which WebGPU runs nodes.
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

/** Share of the tests with nodes on WebGPU that must pass with `["webgpu", "wasm"]`. */
const REQUIRED_WEBGPU_SHARE = 0.9;

Deno.test("with webgpu first, at least 90% of the tests whose nodes WebGPU runs pass", async () => {
  const results = await runSuite(undefined, ["webgpu", "wasm"]);
  console.log(formatReport(results));
  const claimed = results.filter((r) => r.gpuOps.length > 0);
  const passed = claimed.filter((r) => r.status === "pass").length;
  assert.ok(claimed.length > 0, "WebGPU ran no node of any test");
  assert.ok(
    passed >= REQUIRED_WEBGPU_SHARE * claimed.length,
    `${passed} of the ${claimed.length} tests with nodes on WebGPU pass; failing:\n${
      failures(claimed)
    }`,
  );
});
