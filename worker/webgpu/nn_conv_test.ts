import type { Attribute } from "../../graph/ir.ts";
import { agrees, FLOATS, floats32, int, ints, noise, str } from "./nn_testing.ts";

/** A conv shape: X dims, W dims and the attributes. */
type ConvCase = [number[], number[], Record<string, Attribute>];

const CONVS: ConvCase[] = [
  [[1, 3, 9, 11], [16, 3, 3, 3], { pads: ints([1, 1, 1, 1]) }],
  [[2, 4, 10, 10], [24, 2, 3, 2], {
    group: int(2),
    strides: ints([2, 1]),
    dilations: ints([1, 2]),
  }],
  [[1, 8, 7, 9], [8, 1, 3, 3], { group: int(8), pads: ints([1, 0, 2, 1]) }],
  [[1, 6, 12, 12], [6, 1, 5, 5], {
    group: int(6),
    strides: ints([2, 2]),
    auto_pad: str("SAME_UPPER"),
  }],
  [[1, 5, 8, 8], [20, 5, 3, 3], { auto_pad: str("SAME_LOWER"), strides: ints([2, 2]) }],
  [[1, 16, 6, 7], [32, 16, 1, 1], {}],
  [[2, 16, 6, 7], [12, 16, 1, 1], { strides: ints([2, 2]) }],
  [[1, 3, 30], [10, 3, 4], { pads: ints([2, 1]), dilations: ints([3]) }],
  [[1, 2, 5, 6, 7], [9, 2, 2, 3, 2], { pads: ints([1, 0, 1, 0, 1, 1]), strides: ints([1, 2, 1]) }],
  [[1, 4, 5, 5], [10, 4, 5, 5], { auto_pad: str("VALID") }],
];

Deno.test({
  name: "Conv on WebGPU matches WASM: groups, depthwise, strides, dilations, pads, 1-D to 3-D",
  async fn() {
    for (const [dtype, tol] of FLOATS) {
      for (const [[x, w, attributes], i] of CONVS.map((c, i) => [c, i] as const)) {
        const bias = i % 2 === 0 ? noise(dtype, [w[0]], 3) : null;
        await agrees({
          opType: "Conv",
          opset: 11,
          attributes,
          inputs: [noise(dtype, x), noise(dtype, w, 2), bias],
        }, tol);
      }
    }
  },
});

Deno.test({
  name: "FusedConv on WebGPU applies each activation as WASM does",
  async fn() {
    const activations: [string, number[]][] = [
      ["Relu", []],
      ["Clip", [-0.5, 0.25]],
      ["Sigmoid", []],
      ["HardSigmoid", [0.3, 0.4]],
      ["LeakyRelu", [0.1]],
      ["HardSwish", []],
      ["Tanh", []],
    ];
    for (const [dtype, tol] of FLOATS) {
      for (const [name, params] of activations) {
        await agrees({
          opType: "FusedConv",
          domain: "com.microsoft",
          attributes: {
            activation: str(name),
            ...(params.length ? { activation_params: floats32(params) } : {}),
            pads: ints([1, 1, 1, 1]),
          },
          inputs: [
            noise(dtype, [1, 8, 9, 9]),
            noise(dtype, [16, 8, 3, 3], 2),
            noise(dtype, [16], 3),
          ],
        }, tol);
      }
    }
  },
});

const TRANSPOSES: ConvCase[] = [
  [[1, 3, 4, 5], [3, 2, 3, 3], {}],
  [[1, 4, 5, 4], [4, 3, 3, 2], {
    group: int(2),
    strides: ints([2, 3]),
    output_padding: ints([1, 2]),
  }],
  [[1, 2, 4, 4], [2, 3, 3, 3], { dilations: ints([2, 1]), pads: ints([1, 0, 2, 1]) }],
  [[1, 2, 3, 3], [2, 2, 3, 3], { strides: ints([2, 2]), output_shape: ints([7, 8]) }],
  [[1, 2, 3, 4], [2, 2, 3, 3], { strides: ints([2, 2]), auto_pad: str("SAME_UPPER") }],
  [[1, 2, 3, 4], [2, 2, 2, 2], { strides: ints([2, 2]), auto_pad: str("SAME_LOWER") }],
  [[1, 16, 6, 6], [16, 24, 2, 2], { strides: ints([2, 2]) }],
  [[1, 3, 7], [3, 2, 3], { strides: ints([2]), pads: ints([1, 2]) }],
  [[1, 2, 3, 4, 3], [2, 2, 2, 3, 2], { strides: ints([2, 1, 2]) }],
];

Deno.test({
  name: "ConvTranspose on WebGPU matches WASM: groups, output_padding, output_shape, auto_pad",
  async fn() {
    for (const [dtype, tol] of FLOATS) {
      for (const [[x, w, attributes], i] of TRANSPOSES.map((c, i) => [c, i] as const)) {
        const group = (attributes.group?.value as number | undefined) ?? 1;
        const bias = i % 2 === 1 ? noise(dtype, [w[1] * group], 3) : null;
        await agrees({
          opType: "ConvTranspose",
          attributes,
          inputs: [noise(dtype, x), noise(dtype, w, 2), bias],
        }, tol);
      }
    }
  },
});
