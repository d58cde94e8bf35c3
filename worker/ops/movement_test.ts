import assert from "node:assert/strict";
import { runSuite } from "../../tests/conformance/run_suite.ts";
import type { DType } from "../../graph/dtype.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { oneNode } from "../engine/_test_models.ts";

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

Deno.test("nearest Resize by whole factors repeats each value, four-byte types bit for bit", async () => {
  const floor = { kind: "string", value: "floor" } as const;
  const asymmetric = { kind: "string", value: "asymmetric" } as const;
  const attrs = { mode: { kind: "string", value: "nearest" } as const };
  const cases: [DType, number[], number[]][] = [
    ["float32", [1, 2, 3, 8], [1, 1, 2, 2]],
    ["int32", [1, 1, 2, 3], [1, 1, 3, 4]],
    ["float32", [1, 1, 2, 2], [1, 1, 1, 8]],
    ["float32", [1, 1, 2, 5], [1, 1, 1, 3]],
  ];
  for (const [dtype, dims, scales] of cases) {
    const n = dims.reduce((a, b) => a * b, 1);
    // Distinct values, a NaN payload among them: the vector path must move bits, not floats.
    const x = dtype === "float32"
      ? new Tensor("float32", Float32Array.from({ length: n }, (_, i) => i * 1.5 - 3), dims)
      : new Tensor("int32", Int32Array.from({ length: n }, (_, i) => 1000 * i - 7), dims);
    if (dtype === "float32") new Uint32Array((x.data as Float32Array).buffer)[1] = 0x7fc01234;
    const s = new Tensor("float32", Float32Array.from(scales), [4]);
    const { bytes, feeds } = oneNode("Resize", {
      ...attrs,
      coordinate_transformation_mode: asymmetric,
      nearest_mode: floor,
    }, [x, undefined, s]);
    const session = await InferenceSession.create(bytes);
    const { y } = await session.run(feeds);
    session.release();
    const [h, w] = [dims[2], dims[3]];
    const [oh, ow] = [h * scales[2], w * scales[3]];
    assert.deepEqual(y.dims, [dims[0], dims[1], oh, ow]);
    const bits = (t: Tensor) => new Uint32Array((t.data as Float32Array | Int32Array).buffer);
    const [xb, yb] = [bits(x), bits(y)];
    for (let plane = 0; plane < dims[0] * dims[1]; plane++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const from = (plane * h + Math.floor(i / scales[2])) * w + Math.floor(j / scales[3]);
          assert.equal(yb[(plane * oh + i) * ow + j], xb[from], `${dims} ${scales}: (${i}, ${j})`);
        }
      }
    }
  }
});
