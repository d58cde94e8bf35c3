import assert from "node:assert/strict";
import { runSuite } from "../../tests/conformance/run_suite.ts";
import type { Attribute } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { runOneOp } from "./_one_op.ts";

/** The rnn family's own ONNX node tests. */
const TESTS = /^test_(lstm|gru|rnn|simple_rnn)/;

Deno.test("rnn ops pass every ONNX node test of theirs that ONNX Runtime passes, and layout 1", async () => {
  const results = await runSuite(TESTS);
  assert.ok(results.length > 0, "no rnn tests found in the suite");
  // ONNX Runtime rejects layout = 1 (the *_batchwise tests); meshrt runs them too.
  const failing = results
    .filter((r) => (r.entry.ort === "pass" || r.entry.name.endsWith("_batchwise")))
    .filter((r) => r.status !== "pass")
    .map((r) => `${r.entry.name} (${r.status}): ${r.detail}`);
  assert.deepEqual(failing, [], `failing:\n${failing.join("\n")}`);
});

const f32 = (values: number[], dims: number[]) => new Tensor("float32", values, dims);
const int = (value: number): Attribute => ({ kind: "int", value });

/** Asserts `actual` is within 1e-5 of `expected`, element by element. */
function assertClose(actual: Tensor, expected: number[]): void {
  const got = Array.from(actual.data as Float32Array);
  assert.equal(got.length, expected.length);
  got.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-5, `element ${i}: ${v} vs ${expected[i]}`)
  );
}

Deno.test("RNN applies ScaledTanh with its alpha and beta", async () => {
  const [y] = await runOneOp({
    opType: "RNN",
    attributes: {
      hidden_size: int(1),
      activations: { kind: "strings", value: ["ScaledTanh"] },
      activation_alpha: { kind: "floats", value: [0.5] },
      activation_beta: { kind: "floats", value: [2] },
    },
    inputs: [f32([0.3, -0.4], [2, 1, 1]), f32([1], [1, 1, 1]), f32([0.5], [1, 1, 1])],
    outputs: ["float32"],
    opset: 14,
  });
  const h1 = 0.5 * Math.tanh(0.6), h2 = 0.5 * Math.tanh(2 * (-0.4 + 0.5 * h1));
  assertClose(y, [h1, h2]);
});

Deno.test("GRU runs both directions with linear_before_reset over uneven sequences", async () => {
  const [y, yh] = await runOneOp({
    opType: "GRU",
    attributes: {
      hidden_size: int(1),
      direction: { kind: "string", value: "bidirectional" },
      linear_before_reset: int(1),
    },
    inputs: [
      f32([0.5, -1, 0.25, 0, -0.75, 0], [3, 2, 1]),
      f32([0.6, -0.4, 0.9, 0.3, 0.8, -0.5], [2, 3, 1]),
      f32([0.2, 0.7, -0.6, -0.3, 0.5, 0.4], [2, 3, 1]),
      f32([0.1, -0.2, 0.3, 0.05, 0.15, -0.25, -0.1, 0.2, 0, 0.3, -0.05, 0.1], [2, 6]),
      new Tensor("int32", [3, 1]),
    ],
    outputs: ["float32", "float32"],
    opset: 14,
  });
  assertClose(y, [
    0.2200939,
    -0.3866255,
    -0.006699192,
    0.2565365,
    0.2622589,
    0,
    0.1028941,
    0,
    -0.1953584,
    0,
    0.1983535,
    0,
  ]);
  assertClose(yh, [-0.1953584, -0.3866255, -0.006699192, 0.2565365]);
});

Deno.test("LSTM runs in reverse, batch first, with peepholes, clip and initial states", async () => {
  const [y, yh, yc] = await runOneOp({
    opType: "LSTM",
    attributes: {
      hidden_size: int(1),
      direction: { kind: "string", value: "reverse" },
      layout: int(1),
      clip: { kind: "float", value: 0.8 },
    },
    inputs: [
      f32([0.5, -1, 0.3, 0], [2, 2, 1]),
      f32([0.6, -0.4, 0.9, 0.3], [1, 4, 1]),
      f32([0.2, 0.7, -0.6, 0.5], [1, 4, 1]),
      f32([0.1, -0.2, 0.3, 0.05, 0.15, -0.25, 0.2, 0.1], [1, 8]),
      new Tensor("int32", [2, 1]),
      f32([0.1, -0.2], [2, 1, 1]),
      f32([0.5, -0.3], [2, 1, 1]),
      f32([0.3, -0.2, 0.4], [1, 3]),
    ],
    outputs: ["float32", "float32", "float32"],
    opset: 14,
  });
  assertClose(y, [0.1096707, 0.08470059, -0.04172867, 0]);
  assertClose(yh, [0.1096707, -0.04172867]);
  assertClose(yc, [0.3330899, -0.1251557]);
});
