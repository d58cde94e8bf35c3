/**
 * `deno task bench [models] [--model NAME] [--budget MS]`: meshrt beside onnxruntime in
 * one run. Writes bench/results/latest.json and latest.svg.
 * `deno task bench --profile MODEL`: the op types taking the most time.
 * `deno task bench cluster`: pipeline throughput with 1 and 2 workers, and the hop cost.
 * `deno task bench gemm`: GEMM and conv GFLOP/s against this machine's WASM SIMD peak.
 * `deno task bench webgpu [--model NAME]`: latency with WebGPU first, beside WASM and
 * onnxruntime-node.
 * `deno task bench serve [--seconds 2] [--workers 1]`: HTTP requests/s with and without
 * dynamic batching.
 * @module
 */
import { parseArgs } from "node:util";
import { benchModels, formatModelTable } from "./models.ts";
import { barChartSvg } from "./chart.ts";
import { formatProfile, profileModel } from "./profile.ts";
import { benchGemm } from "./gemm.ts";
import { adapterDescription, benchWebGpuModel, formatWebGpuTable } from "./webgpu.ts";
import { benchCluster, formatClusterTable, hopOverheadMs } from "./cluster.ts";
import { MODEL_NAMES, type ModelName } from "../tests/model_cases.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    model: { type: "string", multiple: true },
    budget: { type: "string", default: "1500" },
    profile: { type: "string" },
    seconds: { type: "string" },
    workers: { type: "string" },
  },
});
if (values.profile) {
  if (!MODEL_NAMES.includes(values.profile as ModelName)) {
    console.error(`Unknown model "${values.profile}" (known: ${MODEL_NAMES.join(", ")})`);
    Deno.exit(2);
  }
  console.log(formatProfile(values.profile, await profileModel(values.profile as ModelName)));
  Deno.exit(0);
}
const what = positionals[0] ?? "models";
if (what === "cluster") {
  console.log(formatClusterTable(await benchCluster()));
  for (const transport of ["in-process", "nats"] as const) {
    console.log(`one extra hop, ${transport}: ${(await hopOverheadMs(transport)).toFixed(2)} ms`);
  }
  Deno.exit(0);
}
if (what === "gemm") {
  await benchGemm();
  Deno.exit(0);
}
if (what === "serve") {
  await import("./serve.ts");
  Deno.exit(0);
}
if (what !== "models" && what !== "webgpu") {
  console.error(
    `Unknown bench "${what}": try "models", "gemm", "cluster", "serve" or "webgpu"`,
  );
  Deno.exit(2);
}
const names = (values.model as ModelName[] | undefined) ?? [...MODEL_NAMES];
const unknown = names.filter((n) => !MODEL_NAMES.includes(n));
if (unknown.length) {
  console.error(`Unknown model(s): ${unknown.join(", ")} (known: ${MODEL_NAMES.join(", ")})`);
  Deno.exit(2);
}
if (what === "webgpu") {
  const rows = [];
  for (const name of names) rows.push(await benchWebGpuModel(name, Number(values.budget)));
  console.log(formatWebGpuTable(await adapterDescription(), rows));
  Deno.exit(0);
}
const rows = await benchModels(names, Number(values.budget));
console.log(formatModelTable(rows));
const results = new URL("./results/", import.meta.url);
await Deno.mkdir(results, { recursive: true });
await Deno.writeTextFile(
  new URL("latest.json", results),
  JSON.stringify({ date: new Date().toISOString(), rows }, null, 1) + "\n",
);
const svg = barChartSvg(
  "Median latency, ms (1 thread unless noted)",
  rows.map((r) => ({
    label: r.model,
    bars: [
      { label: "meshrt", value: r.meshrt?.medianMs ?? 0 },
      { label: "ort-web wasm", value: r.ortWeb?.medianMs ?? 0 },
      { label: "ort-node 1t", value: r.ortNode1?.medianMs ?? 0 },
      { label: "ort-node 2t", value: r.ortNode2?.medianMs ?? 0 },
    ],
  })),
);
await Deno.writeTextFile(new URL("latest.svg", results), svg + "\n");
