import { Tensor } from "../../graph/tensor.ts";
import { agrees, float, FLOATS, int, ints, noise } from "./nn_testing.ts";

Deno.test("unary ops and activations on WebGPU match WASM in f32 and f16", async () => {
  for (const [t, tol] of FLOATS) {
    const x = noise(t, [3, 17], 5);
    for (const op of ["Abs", "Exp", "Sigmoid", "Tanh", "Erf", "Softplus", "HardSwish", "Round"]) {
      await agrees({ opType: op, inputs: [x] }, tol);
    }
    await agrees({ opType: "LeakyRelu", attributes: { alpha: float(0.3) }, inputs: [x] }, tol);
    await agrees({ opType: "Gelu", opset: 20, inputs: [x] }, tol);
    const bounds = [new Tensor(t, t === "float32" ? [-0.25] : [0xb400], [])];
    await agrees({ opType: "Clip", inputs: [x, bounds[0]], fed: 1 }, tol);
  }
});

Deno.test("binary and variadic ops broadcast on WebGPU as on WASM", async () => {
  for (const [t, tol] of FLOATS) {
    const a = noise(t, [2, 1, 4, 5], 1), b = noise(t, [3, 1, 5], 2), c = noise(t, [5], 3);
    for (const op of ["Add", "Sub", "Mul", "Div"]) {
      await agrees({ opType: op, inputs: [a, b], outputs: [t], fed: 2 }, tol);
    }
    // Integer exponents take negative bases; a fraction of a negative base is NaN.
    const exponents = new Tensor(
      t,
      t === "float32" ? [0, 1, 2, 3, -1] : [0, 0x3c00, 0x4000, 0x4200, 0xbc00],
      [5],
    );
    await agrees({ opType: "Pow", inputs: [a, exponents], outputs: [t], fed: 2 }, tol);
    for (const op of ["Max", "Min", "Sum", "Mean"]) {
      await agrees({ opType: op, inputs: [a, b, c], outputs: [t], fed: 3 }, tol);
    }
    await agrees({ opType: "PRelu", inputs: [a, c], outputs: [t], fed: 1 }, tol);
    const cond = new Tensor("bool", new Uint8Array([1, 0, 0, 1, 1]), [5]);
    await agrees({ opType: "Where", inputs: [cond, a, b], outputs: [t], fed: 3 }, tol);
  }
});

Deno.test("Softmax, reductions and normalizations on WebGPU match WASM", async () => {
  for (const [t, tol] of FLOATS) {
    const x = noise(t, [2, 3, 4, 5], 7);
    for (const op of ["Softmax", "LogSoftmax"]) {
      await agrees({ opType: op, attributes: { axis: int(1) }, inputs: [x] }, tol);
      await agrees({ opType: op, opset: 11, attributes: { axis: int(2) }, inputs: [x] }, tol);
    }
    const axes = new Tensor("int64", [0n, 2n, 3n], [3]);
    for (const op of ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceL2", "ReduceLogSumExp"]) {
      await agrees({ opType: op, opset: 18, inputs: [x, axes], fed: 1 }, tol);
      await agrees({
        opType: op,
        opset: 13,
        attributes: { axes: ints([1]), keepdims: int(0) },
        inputs: [x],
      }, tol);
    }
    const channel = (seed: number) => noise(t, [3], seed);
    const variance = new Tensor(t, t === "float32" ? [0.5, 1, 2] : [0x3800, 0x3c00, 0x4000], [3]);
    await agrees({
      opType: "BatchNormalization",
      inputs: [x, channel(1), channel(2), channel(3), variance],
    }, tol);
    await agrees({ opType: "InstanceNormalization", inputs: [x, channel(4), channel(5)] }, tol);
    await agrees({
      opType: "LayerNormalization",
      attributes: { axis: int(-2) },
      inputs: [x, noise(t, [4, 5], 6), noise(t, [5], 7)],
    }, tol);
  }
});
