import type { Attribute } from "../../graph/ir.ts";
import { agrees, float, FLOATS, int, ints, noise, str } from "./nn_testing.ts";

/** Windows every windowed pool is tried with: X dims and attributes. */
const WINDOWS: [number[], Record<string, Attribute>][] = [
  [[1, 2, 9], { kernel_shape: ints([3]), strides: ints([2]), pads: ints([1, 1]) }],
  [[2, 3, 7, 8], { kernel_shape: ints([3, 2]), pads: ints([1, 0, 2, 1]) }],
  [[1, 2, 8, 7], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) }],
  [[1, 2, 9, 9], { kernel_shape: ints([2, 2]), dilations: ints([2, 3]), pads: ints([1, 1, 1, 1]) }],
  [[1, 1, 7, 6], {
    kernel_shape: ints([3, 3]),
    strides: ints([2, 2]),
    auto_pad: str("SAME_UPPER"),
  }],
  [[1, 1, 7, 6], {
    kernel_shape: ints([2, 3]),
    strides: ints([2, 2]),
    auto_pad: str("SAME_LOWER"),
  }],
  [[1, 2, 5, 6, 4], { kernel_shape: ints([2, 3, 2]), pads: ints([1, 1, 0, 0, 1, 1]) }],
  [[1, 2, 6, 6], {
    kernel_shape: ints([3, 3]),
    strides: ints([2, 2]),
    pads: ints([1, 1, 1, 1]),
    ceil_mode: int(1),
  }],
];

Deno.test({
  name: "MaxPool, AveragePool and LpPool on WebGPU match WASM over 1-D to 3-D windows",
  async fn() {
    for (const [dtype, tol] of FLOATS) {
      for (const [dims, attributes] of WINDOWS) {
        const x = noise(dtype, dims);
        await agrees({ opType: "MaxPool", opset: 12, attributes, inputs: [x] }, tol);
        for (const include of [0, 1]) {
          await agrees({
            opType: "AveragePool",
            opset: 19,
            attributes: { ...attributes, count_include_pad: int(include) },
            inputs: [x],
          }, tol);
        }
        for (const p of [1, 2, 3]) {
          await agrees({
            opType: "LpPool",
            opset: 18,
            attributes: { ...attributes, p: int(p) },
            inputs: [x],
          }, tol);
        }
      }
    }
  },
});

Deno.test({
  name: "MaxPool asking for Indices stays on WASM",
  async fn() {
    const attributes = { kernel_shape: ints([2, 2]) };
    const x = noise("float32", [1, 2, 4, 4]);
    await agrees(
      { opType: "MaxPool", opset: 12, attributes, inputs: [x], outputs: ["float32", "int64"] },
      0,
      "wasm",
    );
  },
});

Deno.test({
  name: "Global pools on WebGPU match WASM, planes small and large",
  async fn() {
    for (const [dtype, tol] of FLOATS) {
      for (const dims of [[2, 3, 5], [1, 4, 3, 3], [1, 2, 40, 37], [1, 3, 2, 3, 4]]) {
        const x = noise(dtype, dims);
        for (const opType of ["GlobalAveragePool", "GlobalMaxPool"]) {
          await agrees({ opType, inputs: [x] }, tol);
        }
        await agrees({ opType: "GlobalLpPool", attributes: { p: float(3) }, inputs: [x] }, tol);
      }
    }
  },
});
