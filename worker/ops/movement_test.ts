import assert from "node:assert/strict";
import { runSuite } from "../../tests/conformance/run_suite.ts";

/** The movement family's own ONNX node tests; *_expanded variants exercise other families. */
const TESTS = new RegExp(
  "^test_(reshape|flatten|squeeze|unsqueeze|shape|size|constantofshape|transpose|concat|split" +
    "|slice|gather|scatter|expand|tile|pad|edge_pad|reflect_pad|wrap_pad|constant_pad|range" +
    "|depthtospace|spacetodepth|resize|upsample|trilu|tril|triu)(?!.*_expanded)",
);

Deno.test("movement ops pass every ONNX node test of theirs that ONNX Runtime passes", async () => {
  const results = await runSuite(TESTS);
  assert.ok(results.length > 0, "no movement tests found in the suite");
  const failing = results
    .filter((r) => r.entry.ort === "pass" && r.status !== "pass")
    .map((r) => `${r.entry.name} (${r.status}): ${r.detail}`);
  assert.deepEqual(failing, [], `failing:\n${failing.join("\n")}`);
});
