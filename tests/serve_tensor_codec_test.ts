import assert from "node:assert/strict";
import { decodeTensor, jsonData, rawBytes } from "../coordinator/server/tensor_codec.ts";
import { BadRequestError } from "../coordinator/server/errors.ts";

Deno.test("decodeTensor() reads every protocol datatype from JSON and round-trips it", () => {
  const cases: [string, unknown[], unknown[]][] = [
    ["FP32", [1.5, -2], [1.5, -2]],
    ["FP16", [0.5, -3], [0.5, -3]],
    ["FP64", [1e300, 2], [1e300, 2]],
    ["INT8", [-128, 127], [-128, 127]],
    ["UINT8", [0, 255], [0, 255]],
    ["INT16", [-32768, 3], [-32768, 3]],
    ["UINT16", [65535, 0], [65535, 0]],
    ["INT32", [-5, 2 ** 31 - 1], [-5, 2 ** 31 - 1]],
    ["UINT32", [2 ** 32 - 1, 0], [2 ** 32 - 1, 0]],
    ["INT64", [-(2 ** 53) + 1, 7], [-(2 ** 53) + 1, 7]],
    ["UINT64", [2 ** 53 - 1, 0], [2 ** 53 - 1, 0]],
    ["BOOL", [true, false], [true, false]],
  ];
  for (const [datatype, data, want] of cases) {
    const t = decodeTensor({ name: "t", shape: [2], datatype, data });
    assert.deepEqual(jsonData(t), want, datatype);
    const again = decodeTensor({ name: "t", shape: [2], datatype }, rawBytes(t));
    assert.deepEqual(jsonData(again), want, `${datatype} from bytes`);
  }
});

Deno.test("decodeTensor() refuses values outside the datatype, naming the tensor", () => {
  const bad: [string, unknown][] = [["UINT8", 256], ["INT8", -129], ["INT32", 1.5], ["BOOL", 1], [
    "FP32",
    "1",
  ]];
  for (const [datatype, v] of bad) {
    assert.throws(
      () => decodeTensor({ name: "in0", shape: [1], datatype, data: [v] }),
      (e: Error) => e instanceof BadRequestError && /"in0"/.test(e.message),
      `${datatype} ${v}`,
    );
  }
});
