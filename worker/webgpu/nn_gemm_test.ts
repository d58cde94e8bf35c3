import assert from "node:assert/strict";
import { batchWalk } from "./nn_gemm.ts";
import { agrees, float, FLOATS, int, noise, str } from "./nn_testing.ts";

Deno.test("batchWalk() drops unit dims and merges batch dims that step alike", () => {
  assert.deepEqual(batchWalk([2, 3], [2, 3], 12, 20), [[6, 12, 20]]);
  assert.deepEqual(batchWalk([2, 1, 4], [3, 1], 6, 6), [[2, 24, 0], [3, 0, 6], [4, 6, 0]]);
  assert.deepEqual(batchWalk([1, 5], [], 6, 6), [[5, 6, 0]]);
  assert.deepEqual(batchWalk([2, 1], [1, 1], 6, 6), [[2, 6, 0]]);
});

Deno.test({
  name: "MatMul on WebGPU matches WASM: broadcast batches, 1-D operands, tiled and thin shapes",
  async fn() {
    const shapes: [number[], number[]][] = [
      [[3, 40, 70], [70, 50]],
      [[2, 1, 9, 33], [3, 33, 20]],
      [[1, 70, 30], [2, 30, 100]],
      [[5], [5]],
      [[6], [2, 6, 4]],
      [[3, 2, 7], [7]],
      [[2, 20, 5], [2, 5, 3]],
      [[17, 16], [16, 130]],
    ];
    for (const [dtype, tol] of FLOATS) {
      for (const [a, b] of shapes) {
        await agrees(
          { opType: "MatMul", inputs: [noise(dtype, a), noise(dtype, b, 2)], fed: 2 },
          tol,
        );
      }
    }
  },
});

Deno.test({
  name: "Gemm on WebGPU matches WASM with transposes, alpha, beta and every C shape",
  async fn() {
    const [m, k, n] = [37, 29, 52];
    const cShapes = [[m, n], [1, n], [m, 1], [n], [1], [], null];
    for (const [dtype, tol] of FLOATS) {
      for (const [transA, transB] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const a = noise(dtype, transA ? [k, m] : [m, k]);
        const b = noise(dtype, transB ? [n, k] : [k, n], 2);
        for (const c of cShapes) {
          await agrees({
            opType: "Gemm",
            attributes: {
              transA: int(transA),
              transB: int(transB),
              alpha: float(0.5),
              beta: float(-2),
            },
            inputs: [a, b, c && noise(dtype, c, 3)],
          }, tol);
        }
      }
      await agrees(
        { opType: "Gemm", inputs: [noise(dtype, [1, 8]), noise(dtype, [8, 3], 2)] },
        tol,
      );
    }
  },
});

Deno.test({
  name: "FusedGemm on WebGPU applies each activation as WASM does",
  async fn() {
    const activations: [string, number[]][] = [
      ["Relu", []],
      ["Sigmoid", []],
      ["Tanh", []],
      ["LeakyRelu", [0.2]],
      ["HardSigmoid", [0.3, 0.4]],
    ];
    for (const [dtype, tol] of FLOATS) {
      for (const [name, params] of activations) {
        const attributes = {
          activation: str(name),
          ...(params.length > 0 ? { activation_alpha: float(params[0]) } : {}),
          ...(params.length > 1 ? { activation_beta: float(params[1]) } : {}),
          transB: int(1),
        };
        await agrees({
          opType: "FusedGemm",
          domain: "com.microsoft",
          attributes,
          inputs: [noise(dtype, [20, 24]), noise(dtype, [40, 24], 2), noise(dtype, [40], 3)],
        }, tol);
      }
    }
  },
});
