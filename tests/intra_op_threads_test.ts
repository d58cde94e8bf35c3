/**
 * Intra-op threads on a real model: PP-OCRv4 det (convolutions all the way) on two threads
 * gives what it gives on one and matches ONNX Runtime's reference within the models rule,
 * and releasing the session stops its threads, so that a process using it can exit.
 */
import assert from "node:assert/strict";
import { InferenceSession } from "../worker/session.ts";
import type { Tensor } from "../graph/tensor.ts";
import { loadModelCase, maxAbsDiff, modelPath } from "./model_cases.ts";

async function runDet(threads: number): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(modelPath("ppocr_v4_det"), {
    intraOpNumThreads: threads,
  });
  try {
    return await session.run(loadModelCase("ppocr_v4_det").inputs);
  } finally {
    session.release();
  }
}

Deno.test("ppocr_v4_det on 2 intra-op threads matches 1 thread and ONNX Runtime", async () => {
  const [one, two] = [await runDet(1), await runDet(2)];
  for (const o of loadModelCase("ppocr_v4_det").outputs) {
    const [vsOne, vsOrt] = [
      maxAbsDiff(two[o.name], one[o.name]),
      maxAbsDiff(two[o.name], o.tensor),
    ];
    console.log(
      `${o.name}: 2 vs 1 thread ${vsOne.toExponential(2)}, vs ORT ${vsOrt.toExponential(2)}`,
    );
    assert.ok(vsOne <= o.tolerance, `output "${o.name}" differs from 1 thread by ${vsOne}`);
    assert.ok(vsOrt <= o.tolerance, `output "${o.name}" differs from ORT by ${vsOrt}`);
  }
});

Deno.test("InferenceSession.release() stops the intra-op threads: the process exits", async () => {
  // Live workers keep a Deno process open, so exiting proves they stopped.
  const session = new URL("../worker/session.ts", import.meta.url).href;
  const script = `
    import { InferenceSession } from "${session}";
    import { Tensor } from "${new URL("../graph/tensor.ts", import.meta.url).href}";
    const s = await InferenceSession.create("tests/data/relu.onnx", { intraOpNumThreads: 3 });
    await s.run({ x: new Tensor("float32", [-1, 2], [2]) });
    s.release();
  `;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    cwd: new URL("..", import.meta.url),
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
});
