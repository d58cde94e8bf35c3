/**
 * WebGPU unary elementwise kernels: math functions and activations, Clip, and Cast between
 * the float types. Every value is computed in f32 and stored in the tensor's type.
 * @module
 */
import type { GeluParams, UnaryParams } from "../../graph/ops/elementwise.ts";
import type { ClipParams } from "../../graph/ops/_elementwise_misc.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { withMathFns } from "./math_wgsl.ts";
import { flatShader, hostValues } from "./movement_common.ts";
import { sameFloats } from "./nn_support.ts";
import { wgslFloat } from "./wgsl.ts";

/** f32 expressions of `x`, with the op's `p.alpha` and `p.beta`. */
const UNARY: Record<string, string> = {
  Abs: "abs(x)",
  Neg: "-x",
  Sign: "sign(x)",
  Relu: "max(x, 0.0)",
  Sqrt: "sqrt(x)",
  Exp: "exp(x)",
  Log: "log(x)",
  Reciprocal: "1.0 / x",
  Floor: "floor(x)",
  Ceil: "ceil(x)",
  Round: "round(x)",
  Sin: "sin(x)",
  Cos: "cos(x)",
  Tan: "tan(x)",
  // asin and acos builtins lose 3e-4 near ±1 on some drivers (lavapipe); atan2 keeps 1e-7.
  Asin: "atan2(x, sqrt((1.0 - x) * (1.0 + x)))",
  Acos: "atan2(sqrt((1.0 - x) * (1.0 + x)), x)",
  Atan: "atan(x)",
  Sinh: "sinh(x)",
  Cosh: "cosh(x)",
  Asinh: "asinh(x)",
  Acosh: "acosh(x)",
  Atanh: "atanh(x)",
  Erf: "erf_approx(x)",
  Sigmoid: "1.0 / (1.0 + exp(-x))",
  Tanh: "tanh_acc(x)",
  HardSigmoid: "clamp(p.alpha * x + p.beta, 0.0, 1.0)",
  HardSwish: "x * clamp(x / 6.0 + 0.5, 0.0, 1.0)",
  LeakyRelu: "select(p.alpha * x, x, x >= 0.0)",
  Elu: "select(p.alpha * (exp(x) - 1.0), x, x >= 0.0)",
  Celu: "max(x, 0.0) + min(0.0, p.alpha * (exp(x / p.alpha) - 1.0))",
  Selu: "p.beta * select(p.alpha * (exp(x) - 1.0), x, x > 0.0)",
  ThresholdedRelu: "select(0.0, x, x > p.alpha)",
  Softplus: "softplus(x)",
  Softsign: "x / (1.0 + abs(x))",
  Mish: "x * tanh_acc(softplus(x))",
};

const GELU = {
  none: "0.5 * x * (1.0 + erf_approx(x * 0.70710678118654752))",
  tanh: "0.5 * x * (1.0 + tanh_acc(0.7978845608028654 * (x + 0.044715 * x * x * x)))",
};

/** One dispatch of `y[i] = T(expression of f32 x)` over every element. */
function mapElements(
  args: GpuKernelArgs<unknown>,
  key: string,
  expression: string,
  alpha = 0,
  beta = 0,
): void {
  const { gpu, inputs, outputs } = args;
  const x = inputs[0]!, y = outputs[0];
  const type = wgslFloat(x.dtype, gpu.f16)!, out = wgslFloat(y.dtype, gpu.f16)!;
  const pipeline = gpu.pipeline(`math:map:${key}:${type}:${out}`, () =>
    withMathFns(flatShader(
      type === "f16" || out === "f16" ? "f16" : "f32",
      "alpha: f32, beta: f32",
      [{ name: "xs", type: `array<${type}>` }, { name: "ys", type: `array<${out}>`, write: true }],
      `  let x = f32(xs[i]);\n  ys[i] = ${out}(${expression});`,
    )));
  const params = new Params().u32(y.size).f32(alpha).f32(beta);
  gpu.dispatch(pipeline, params, [x.gpu, y.gpu], gridFor(y.size));
}

function unary(op: string): GpuKernel<UnaryParams> {
  return {
    supports: sameFloats,
    run: (args) => mapElements(args, op, UNARY[op], args.params.alpha, args.params.beta),
  };
}

const Gelu: GpuKernel<GeluParams> = {
  supports: sameFloats,
  run: (args) => mapElements(args, `Gelu${args.params.approximate}`, GELU[args.params.approximate]),
};

const FLT_MAX = 3.4028234663852886e38;

const Clip: GpuKernel<ClipParams> = {
  hostInputs: [1, 2],
  supports: (q) => wgslFloat(q.inputs[0]?.dtype, q.f16) !== undefined,
  run(args) {
    const values = hostValues(args);
    const min = args.params.min ?? values(1)?.[0] ?? -FLT_MAX;
    const max = args.params.max ?? values(2)?.[0] ?? FLT_MAX;
    mapElements(args, "Clip", "min(max(x, p.alpha), p.beta)", Number(min), Number(max));
  },
};

const Cast: GpuKernel = {
  supports: ({ inputs, outputs, f16 }) =>
    wgslFloat(inputs[0]?.dtype, f16) !== undefined &&
    wgslFloat(outputs[0]?.dtype, f16) !== undefined,
  run: (args) => mapElements(args, "Cast", "x"),
};

/** Elementwise kernels by op name. */
export const ELEMENTWISE_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, unary(op)])),
  Gelu,
  Clip,
  Cast,
  // CastLike's input 1 only names the type, which the schema already gave the output.
  CastLike: Cast,
};
