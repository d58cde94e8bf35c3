import { Tensor } from "../../graph/tensor.ts";
import { agrees, float, FLOATS, int, ints, noise, str } from "./nn_testing.ts";

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

Deno.test("every unary math function on WebGPU matches WASM within its domain", async () => {
  const [t, tol] = FLOATS[0];
  const x = noise(t, [2, 9], 8);
  const above1 = new Tensor(t, Array.from({ length: 18 }, (_, i) => 1 + i * 0.37), [2, 9]);
  const ops = [
    "Neg",
    "Sign",
    "Relu",
    "Floor",
    "Ceil",
    "Sin",
    "Cos",
    "Tan",
    "Asin",
    "Acos",
    "Atan",
    "Sinh",
    "Cosh",
    "Asinh",
    "Atanh",
    "Elu",
    "Celu",
    "Selu",
    "ThresholdedRelu",
    "HardSigmoid",
    "Softsign",
    "Mish",
  ];
  for (const op of ops) await agrees({ opType: op, inputs: [x] }, tol);
  for (const op of ["Log", "Sqrt", "Reciprocal", "Acosh"]) {
    await agrees({ opType: op, inputs: [above1] }, tol);
  }
  await agrees(
    { opType: "Gelu", opset: 20, attributes: { approximate: str("tanh") }, inputs: [x] },
    tol,
  );
  const like = new Tensor("float16", [0], [1]);
  await agrees({ opType: "CastLike", inputs: [x, like], outputs: ["float16"], fed: 1 }, 4e-3);
  const sums = ["ReduceL1", "ReduceLogSum", "ReduceSumSquare", "ReduceMin", "ReduceMean"];
  for (const op of sums) {
    await agrees({ opType: op, opset: 13, attributes: { axes: ints([0]) }, inputs: [above1] }, tol);
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

Deno.test("legacy broadcasting and Clip attributes (opset 6) hold on WebGPU", async () => {
  const [t, tol] = FLOATS[0];
  const a = noise(t, [2, 3, 4, 5], 1), b = noise(t, [3, 4], 2);
  const legacy = { broadcast: int(1), axis: int(1) };
  for (const op of ["Add", "Mul", "Sub"]) {
    await agrees({ opType: op, opset: 6, attributes: legacy, inputs: [a, b], fed: 2 }, tol);
  }
  const bounds = { min: float(-0.5), max: float(0.25) };
  await agrees({ opType: "Clip", opset: 6, attributes: bounds, inputs: [a] }, tol);
});

Deno.test("contiguous operands and scalars take the fast path on WebGPU", async () => {
  for (const [t, tol] of FLOATS) {
    const a = noise(t, [3, 7], 1), b = noise(t, [3, 7], 2), s = noise(t, [], 3);
    await agrees({ opType: "Sub", inputs: [a, b], outputs: [t], fed: 2 }, tol);
    await agrees({ opType: "Div", inputs: [s, a], outputs: [t], fed: 2 }, tol);
    await agrees({ opType: "Mul", inputs: [a, s], outputs: [t], fed: 1 }, tol);
  }
});

Deno.test("a Sum of more inputs than a shader binds stays on WASM", async () => {
  const [t, tol] = FLOATS[0];
  const inputs = Array.from({ length: 8 }, (_, k) => noise(t, [4], k));
  await agrees({ opType: "Sum", inputs, outputs: [t], fed: 8 }, tol, "wasm");
});

Deno.test("Mod on WebGPU is exact for both remainders", async () => {
  const a = new Tensor("float32", [7.5, -7.5, 1e30, -0, 5, -3.25, 1e20, 6], [8]);
  const b = new Tensor("float32", [2, 2, 3, 1, -3, 0.5, -7e-3, Infinity], [8]);
  for (const fmod of [0, 1]) {
    await agrees({
      opType: "Mod",
      attributes: { fmod: int(fmod) },
      inputs: [a, b],
      outputs: ["float32"],
      fed: 2,
    }, 0);
  }
});

Deno.test("comparisons, logic and predicates on WebGPU write packed bools", async () => {
  for (const [t] of FLOATS) {
    const a = noise(t, [2, 3, 5], 1), b = noise(t, [3, 1], 2);
    for (const op of ["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"]) {
      await agrees({ opType: op, inputs: [a, b], outputs: ["bool"], fed: 2 }, 0);
      await agrees({ opType: op, inputs: [a, a], outputs: ["bool"], fed: 2 }, 0);
    }
  }
  const p = new Tensor("bool", new Uint8Array([1, 0, 0, 1, 1, 0, 1]), [7]);
  const q = new Tensor("bool", new Uint8Array([1, 1, 0, 0, 1, 0, 0]), [7]);
  for (const op of ["And", "Or", "Xor", "Equal"]) {
    await agrees({ opType: op, inputs: [p, q], outputs: ["bool"], fed: 2 }, 0);
  }
  await agrees({ opType: "Not", inputs: [p], outputs: ["bool"] }, 0);
  const x = new Tensor("float32", [NaN, Infinity, -Infinity, 0, 1, -1], [6]);
  await agrees({ opType: "IsNaN", inputs: [x], outputs: ["bool"] }, 0);
  await agrees({
    opType: "IsInf",
    attributes: { detect_positive: int(0) },
    inputs: [x],
    outputs: ["bool"],
  }, 0);
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

Deno.test("long rows are shared by a workgroup on WebGPU and match WASM", async () => {
  for (const [t, tol] of FLOATS) {
    const x = noise(t, [3, 300], 11), strided = noise(t, [200, 3], 12);
    for (const op of ["Softmax", "LogSoftmax"]) {
      await agrees({ opType: op, attributes: { axis: int(-1) }, inputs: [x] }, tol);
    }
    for (const op of ["ReduceSum", "ReduceMax", "ReduceProd", "ReduceLogSumExp"]) {
      const axes = { axes: ints([1]) };
      await agrees({ opType: op, opset: 13, attributes: axes, inputs: [x] }, tol * 4);
      await agrees(
        { opType: op, opset: 13, attributes: { axes: ints([0]) }, inputs: [strided] },
        tol * 4,
      );
    }
    await agrees({
      opType: "LayerNormalization",
      inputs: [x, noise(t, [300], 13), noise(t, [300], 14)],
      outputs: [t, "float32", "float32"],
    }, tol);
    await agrees({
      opType: "InstanceNormalization",
      inputs: [noise(t, [1, 3, 10, 10], 15), noise(t, [3], 1), noise(t, [3], 2)],
    }, tol);
  }
});

Deno.test("ArgMax and ArgMin on WebGPU pick first or last extremes and NaNs", async () => {
  const x = new Tensor("float32", [1, 3, 3, 0, NaN, 2, -1, -1, 5, NaN, 0, NaN], [3, 4]);
  const long = noise("float32", [2, 100], 3);
  for (const op of ["ArgMax", "ArgMin"]) {
    for (const last of [0, 1]) {
      const attributes = { axis: int(1), select_last_index: int(last) };
      await agrees({ opType: op, attributes, inputs: [x], outputs: ["int64"] }, 0);
      await agrees({ opType: op, attributes, inputs: [long], outputs: ["int64"] }, 0);
      await agrees({
        opType: op,
        attributes: { axis: int(0), keepdims: int(0) },
        inputs: [x],
        outputs: ["int64"],
      }, 0);
    }
  }
});
