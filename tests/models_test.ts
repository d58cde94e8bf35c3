/**
 * The eight developer-set models load from the fetched cache and reproduce ONNX Runtime's
 * reference outputs within the rule: per output, max |diff| ≤ max(1e-4 · max|ref|,
 * 10 × ONNX Runtime's own optimized-vs-unoptimized difference). Each test prints the
 * model's max diffs and arena peak, the figures the closing note reports. Each model runs
 * on WASM alone, three times (the second replays node tapes, the third the whole run's tape),
 * and once with `["webgpu", "wasm"]` (Mesa's lavapipe where there is no GPU), which also
 * prints how many nodes WebGPU ran and the bytes that crossed to and from it.
 */
import assert from "node:assert/strict";
import { InferenceSession } from "../worker/session.ts";
import {
  loadModelCase,
  maxAbsDiff,
  MODEL_NAMES,
  type ModelName,
  modelPath,
} from "./model_cases.ts";

/** Runs one model on its reference inputs; asserts after printing, so failures show figures. */
async function checkModel(name: ModelName, providers?: string[]): Promise<void> {
  const c = loadModelCase(name);
  const session = await InferenceSession.create(modelPath(name), {
    executionProviders: providers,
  });
  try {
    const runs = providers ? 1 : 3;
    for (let run = 1; run <= runs; run++) {
      await checkRun(session, c, `${name} run ${run} of ${runs}`);
    }
    console.log(`${name}: arena peak ${session.arenaPeakBytes} bytes`);
    if (providers?.includes("webgpu")) {
      const onGpu = [...session.placement.values()].filter((b) => b === "webgpu").length;
      const { toDevice, toHost } = session.transfers;
      console.log(
        `  webgpu ran ${onGpu} of ${session.placement.size} nodes; ` +
          `${toDevice} bytes to the device, ${toHost} back`,
      );
      assert.deepEqual(session.unavailableProviders, [], "WebGPU did not start");
    }
  } finally {
    session.release();
  }
}

/** One run on the reference inputs, checked against the reference outputs. */
async function checkRun(
  session: InferenceSession,
  c: ReturnType<typeof loadModelCase>,
  label: string,
): Promise<void> {
  const got = await session.run(c.inputs);
  const rows = c.outputs.map((o) => {
    const actual = got[o.name];
    assert.ok(actual, `output "${o.name}" is missing`);
    assert.equal(actual.type, o.tensor.type, `output "${o.name}" has the wrong type`);
    assert.deepEqual(actual.dims, o.tensor.dims, `output "${o.name}" has the wrong dims`);
    return { ...o, diff: maxAbsDiff(actual, o.tensor) };
  });
  const diffs = rows.map((r) => `${r.name} ${r.diff.toExponential(2)}`).join(", ");
  console.log(`${label}: max diff ${diffs}`);
  for (const r of rows) {
    assert.ok(
      r.diff <= r.tolerance,
      `${label}: output "${r.name}": max |diff| ${r.diff} exceeds the tolerance ${r.tolerance}`,
    );
  }
}

for (const name of MODEL_NAMES) {
  Deno.test(`InferenceSession runs ${name} and matches ONNX Runtime's outputs`, () =>
    checkModel(name));
  Deno.test(`InferenceSession runs ${name} on ["webgpu", "wasm"] and matches ONNX Runtime`, () =>
    checkModel(name, ["webgpu", "wasm"]));
}
