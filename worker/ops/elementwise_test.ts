import assert from "node:assert/strict";
import { ELEMENTWISE_OPS } from "../../graph/ops/elementwise.ts";
import { readManifest } from "../../tests/conformance/onnx_case.ts";
import { runSuite } from "../../tests/conformance/run_suite.ts";

/** The node tests that need nothing but elementwise ops (and Constant, run by the executor). */
const OURS = new Set([...ELEMENTWISE_OPS.map((s) => s.opType), "Constant"]);
const NAMES = readManifest().filter((e) => e.ops.every((op) => OURS.has(op))).map((e) => e.name);

Deno.test("elementwise ops pass every ONNX node test of theirs that ONNX Runtime passes", async () => {
  const results = await runSuite(new RegExp(`^(${NAMES.join("|")})$`));
  assert.ok(results.length >= 150, `only ${results.length} elementwise tests ran`);
  const failing = results
    .filter((r) => r.entry.ort === "pass" && r.status !== "pass")
    .map((r) => `${r.entry.name}: ${r.detail}`);
  assert.deepEqual(failing, []);
});
