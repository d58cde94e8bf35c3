/**
 * WASM bindings of the unary elementwise ops.
 * @module
 */
import { type DType, dtypeToOnnx } from "../../graph/dtype.ts";
import type { GeluParams, IsInfParams, UnaryParams } from "../../graph/ops/elementwise.ts";
import type { Kernels } from "../../kernels/mod.ts";
import { callUnary, type Operand } from "./_elementwise_calls.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/** Op codes of `elementwise_unary`, as kernels/src/elementwise/unary.rs declares them. */
export const UNARY_CODES = {
  Abs: 0,
  Neg: 1,
  Sign: 2,
  Relu: 3,
  Sqrt: 4,
  Exp: 5,
  Log: 6,
  Reciprocal: 7,
  Floor: 8,
  Ceil: 9,
  Round: 10,
  Sin: 11,
  Cos: 12,
  Tan: 13,
  Asin: 14,
  Acos: 15,
  Atan: 16,
  Sinh: 17,
  Cosh: 18,
  Asinh: 19,
  Acosh: 20,
  Atanh: 21,
  Erf: 22,
  LeakyRelu: 23,
  Elu: 24,
  Selu: 25,
  Celu: 26,
  Sigmoid: 27,
  HardSigmoid: 28,
  HardSwish: 29,
  Tanh: 30,
  GeluErf: 31,
  GeluTanh: 32,
  Softplus: 33,
  Softsign: 34,
  Mish: 35,
  ThresholdedRelu: 36,
  DivScalar: 37,
} as const;

/** Codes that are kernel variants, not ONNX ops of the same name. */
const VARIANTS = new Set(["GeluErf", "GeluTanh", "DivScalar"]);

function unary(code: number) {
  return ({ inputs: [x], outputs: [y], params, kernels }: KernelArgs<UnaryParams>) =>
    callUnary(kernels, code, x!.dtype, x!, y, params.alpha, params.beta);
}

function gelu({ inputs: [x], outputs: [y], params, kernels }: KernelArgs<GeluParams>): void {
  const code = params.approximate === "tanh" ? UNARY_CODES.GeluTanh : UNARY_CODES.GeluErf;
  callUnary(kernels, code, x!.dtype, x!, y);
}

/** Bits of `elementwise_classify`: which values map to true. */
const NAN = 1, POS_INF = 2, NEG_INF = 4;

function classify(kernels: Kernels, dtype: DType, x: Operand, y: Operand, classes: number): void {
  kernels.call("elementwise_classify", dtypeToOnnx(dtype), classes, x.ptr, y.ptr, y.size);
}

function isInf({ inputs: [x], outputs: [y], params, kernels }: KernelArgs<IsInfParams>): void {
  const classes = (params.positive ? POS_INF : 0) | (params.negative ? NEG_INF : 0);
  classify(kernels, x!.dtype, x!, y, classes);
}

/** Bindings of the unary elementwise ops. */
export const UNARY_KERNELS: KernelTable = {
  ...Object.fromEntries(
    Object.entries(UNARY_CODES).filter(([op]) => !VARIANTS.has(op)).map((
      [op, code],
    ) => [op, unary(code)]),
  ),
  Gelu: gelu,
  IsNaN: ({ inputs: [x], outputs: [y], kernels }) => classify(kernels, x!.dtype, x!, y, NAN),
  IsInf: isInf,
  Not: ({ inputs: [x], outputs: [y], kernels }) =>
    kernels.call("elementwise_not", x!.ptr, y.ptr, y.size),
};
