/**
 * `deno task conformance [--filter REGEX] [--verbose] [--ep webgpu]`: runs the ONNX
 * backend node tests and prints a per-op table with totals.
 * @module
 */
import { parseArgs } from "node:util";
import { formatReport, runSuite } from "./run_suite.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    filter: { type: "string" },
    verbose: { type: "boolean", default: false },
    ep: { type: "string", multiple: true },
  },
});
const results = await runSuite(
  values.filter ? new RegExp(values.filter) : undefined,
  values.ep,
);
if (values.verbose) {
  for (const r of results) {
    if (r.status !== "pass") console.log(`${r.status.padEnd(11)} ${r.entry.name}: ${r.detail}`);
  }
}
console.log(formatReport(results));
