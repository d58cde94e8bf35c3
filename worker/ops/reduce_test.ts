import assert from "node:assert/strict";
import { runSuite } from "../../tests/conformance/run_suite.ts";

/** The reduce family's own ONNX node tests; *_expanded variants exercise other families. */
const TESTS =
  /^test_(reduce|argmax|argmin|softmax|logsoftmax|hardmax|cumsum|top_k|layer_norm|einsum)(?!.*_expanded)/;

Deno.test("reduce ops pass every ONNX node test of theirs that ONNX Runtime passes", async () => {
  const results = await runSuite(TESTS);
  assert.ok(results.length > 0, "no reduce tests found in the suite");
  const failing = results
    .filter((r) => r.entry.ort === "pass" && r.status !== "pass")
    .map((r) => `${r.entry.name} (${r.status}): ${r.detail}`);
  assert.deepEqual(failing, [], `failing:\n${failing.join("\n")}`);
});
