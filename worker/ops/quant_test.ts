import assert from "node:assert/strict";
import { runSuite } from "../../tests/conformance/run_suite.ts";
import { Tensor } from "../../graph/tensor.ts";
import { runOneOp } from "./_one_op.ts";

/** The quant family's own ONNX node tests; *_expanded variants exercise other families. */
const TESTS =
  /^test_(quantizelinear|dequantizelinear|dynamicquantizelinear|matmulinteger|convinteger|qlinear)(?!.*_expanded)/;

Deno.test("quant ops pass every ONNX node test of theirs that ONNX Runtime passes", async () => {
  const results = await runSuite(TESTS);
  assert.ok(results.length > 0, "no quant tests found in the suite");
  const failing = results
    .filter((r) => r.entry.ort === "pass" && r.status !== "pass")
    .map((r) => `${r.entry.name} (${r.status}): ${r.detail}`);
  assert.deepEqual(failing, [], `failing:\n${failing.join("\n")}`);
});

const scalar = (type: "float32" | "uint8" | "int8", v: number) => new Tensor(type, [v], []);
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number>);

Deno.test("QuantizeLinear rounds half to even and saturates", async () => {
  const x = new Tensor("float32", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 300, -300]);
  const [y] = await runOneOp({
    opType: "QuantizeLinear",
    inputs: [x, scalar("float32", 1), scalar("int8", 0)],
    outputs: ["int8"],
    opset: 13,
  });
  assert.deepEqual(values(y), [0, 2, 2, 0, -2, -2, 127, -128]);
});

Deno.test("QuantizeLinear blocks an axis whose last block is short", async () => {
  const [y] = await runOneOp({
    opType: "QuantizeLinear",
    attributes: { axis: { kind: "int", value: 1 }, block_size: { kind: "int", value: 2 } },
    inputs: [
      new Tensor("float32", [1, 3, 5, 6, 9], [1, 5]),
      new Tensor("float32", [1, 2, 4], [1, 3]),
    ],
    outputs: ["uint8"],
    opset: 21,
  });
  assert.deepEqual(values(y), [1, 3, 2, 3, 2]);
});

Deno.test("DequantizeLinear writes float16 when the scale is float16", async () => {
  const half = new Tensor("float16", new Uint16Array([0x3800]), []); // 0.5
  const [y] = await runOneOp({
    opType: "DequantizeLinear",
    inputs: [new Tensor("int8", [10, -10]), half, scalar("int8", 2)],
    outputs: ["float16"],
    opset: 21,
  });
  assert.deepEqual(values(y), [0x4400, 0xc600]); // 4, -6
});

Deno.test("DynamicQuantizeLinear gives an all-zero input scale 1, as ONNX Runtime does", async () => {
  const [y, scale, zp] = await runOneOp({
    opType: "DynamicQuantizeLinear",
    inputs: [new Tensor("float32", [0, 0, 0])],
    outputs: ["uint8", "float32", "uint8"],
    opset: 11,
  });
  assert.deepEqual([values(y), values(scale), values(zp)], [[0, 0, 0], [1], [0]]);
});

Deno.test("MatMulInteger subtracts per-row and per-column zero points", async () => {
  const [y] = await runOneOp({
    opType: "MatMulInteger",
    inputs: [
      new Tensor("uint8", [1, 2, 3, 4], [2, 2]),
      new Tensor("int8", [1, -1, 2, 0], [2, 2]),
      new Tensor("uint8", [1, 2]),
      new Tensor("int8", [1, -1]),
    ],
    outputs: ["int32"],
    opset: 10,
  });
  assert.deepEqual(values(y), [1, 1, 2, 2]);
});

Deno.test("ConvInteger groups channels with a zero point per filter", async () => {
  const [y] = await runOneOp({
    opType: "ConvInteger",
    attributes: { group: { kind: "int", value: 2 } },
    inputs: [
      new Tensor("uint8", [1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]),
      new Tensor("int8", [3, 4], [2, 1, 1, 1]),
      scalar("uint8", 1),
      new Tensor("int8", [1, 2]),
    ],
    outputs: ["int32"],
    opset: 10,
  });
  assert.deepEqual(values(y), [0, 2, 4, 6, 8, 10, 12, 14]);
});

Deno.test("QLinearMatMul requantizes as ONNX's uint8 example expects", async () => {
  const [y] = await runOneOp({
    opType: "QLinearMatMul",
    inputs: [
      new Tensor("uint8", [208, 236, 0, 238, 3, 214, 255, 29], [2, 4]),
      new Tensor("float32", [0.0066]),
      new Tensor("uint8", [113]),
      new Tensor("uint8", [152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247], [4, 3]),
      new Tensor("float32", [0.00705]),
      new Tensor("uint8", [114]),
      new Tensor("float32", [0.0107]),
      new Tensor("uint8", [118]),
    ],
    outputs: ["uint8"],
    opset: 21,
  });
  assert.deepEqual(values(y), [168, 115, 255, 1, 66, 151]);
});

Deno.test("QLinearConv computes the ONNX spec's example", async () => {
  const x = [
    [255, 174, 162, 25, 203, 168, 58],
    [15, 59, 237, 95, 129, 0, 64],
    [56, 242, 153, 221, 168, 12, 166],
    [232, 178, 186, 195, 237, 162, 237],
    [188, 39, 124, 77, 80, 102, 43],
    [127, 230, 21, 83, 41, 40, 134],
    [255, 154, 92, 141, 42, 148, 247],
  ];
  const expected = [
    [0, 81, 93, 230, 52, 87, 197],
    [240, 196, 18, 160, 126, 255, 191],
    [199, 13, 102, 34, 87, 243, 89],
    [23, 77, 69, 60, 18, 93, 18],
    [67, 216, 131, 178, 175, 153, 212],
    [128, 25, 234, 172, 214, 215, 121],
    [0, 101, 163, 114, 213, 107, 8],
  ];
  const [y] = await runOneOp({
    opType: "QLinearConv",
    inputs: [
      new Tensor("uint8", x.flat(), [1, 1, 7, 7]),
      scalar("float32", 0.00369204697),
      scalar("uint8", 132),
      new Tensor("uint8", [0], [1, 1, 1, 1]),
      new Tensor("float32", [0.00172794575]),
      new Tensor("uint8", [255]),
      scalar("float32", 0.00162681262),
      scalar("uint8", 123),
    ],
    outputs: ["uint8"],
    opset: 10,
  });
  assert.deepEqual(values(y), expected.flat());
});
