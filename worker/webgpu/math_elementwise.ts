/**
 * WebGPU elementwise kernels: unary math and activations, Clip, Cast between float types,
 * and n-ary ops with numpy broadcasting (Add … Pow, PRelu, variadic Max/Min/Sum/Mean,
 * Where). Every value is computed in f32 and stored in the tensor's type.
 * @module
 */
import type { GeluParams, UnaryParams } from "../../graph/ops/elementwise.ts";
import type { ClipParams } from "../../graph/ops/_elementwise_misc.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs, GpuSupportQuery } from "./kernel.ts";
import { eachAxis, flatShader, hostValues, pushVec4s, slotsFor, word } from "./movement_common.ts";
import { wgslFloat } from "./wgsl.ts";
import { sameFloats } from "./nn_support.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";

/** WGSL helpers some expressions call. */
const MATH_FNS = `
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn erf_approx(v: f32) -> f32 {
  // Abramowitz-Stegun 7.1.26 refined: |error| < 1.2e-7 over the reals.
  let t = 1.0 / (1.0 + 0.5 * abs(v));
  let y = 1.0 - t * exp(-v * v - 1.26551223 + t * (1.00002368 + t * (0.37409196 +
    t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 +
    t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(-y, y, v >= 0.0);
}
fn pow_onnx(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return select(pow(a, b), select(0.0, bitcast<f32>(0x7f800000u), b < 0.0), a == 0.0); }
  if (b != floor(b)) { return bitcast<f32>(0x7fc00000u); }
  let m = pow(-a, b);
  return select(m, -m, (abs(b) % 2.0) == 1.0);
}
fn log1p_exp(e: f32) -> f32 { return select(log(1.0 + e), e * (1.0 - 0.5 * e), e < 1e-4); }
fn tanh_acc(v: f32) -> f32 {
  // The builtin loses relative precision near 0 on some drivers; a series covers |v| < 0.1.
  let a = abs(v);
  let v2 = v * v;
  let small = v * (1.0 - v2 / 3.0 + 2.0 * v2 * v2 / 15.0 - 17.0 * v2 * v2 * v2 / 315.0);
  let e = exp(-2.0 * a);
  return select(sign(v) * (1.0 - e) / (1.0 + e), small, a < 0.1);
}
fn softplus(v: f32) -> f32 { return max(v, 0.0) + log1p_exp(exp(-abs(v))); }
`;

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
  Asin: "asin(x)",
  Acos: "acos(x)",
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
    flatShader(
      type === "f16" || out === "f16" ? "f16" : "f32",
      "alpha: f32, beta: f32",
      [{ name: "xs", type: `array<${type}>` }, { name: "ys", type: `array<${out}>`, write: true }],
      `  let x = f32(xs[i]);\n  ys[i] = ${out}(${expression});`,
    ).replace("@compute", `${MATH_FNS}\n@compute`));
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

/** How an n-ary op folds its operands `a` (so far) and `b` (next), in f32. */
const FOLDS: Record<string, string> = {
  Add: "a + b",
  Sub: "a - b",
  Mul: "a * b",
  Div: "a / b",
  Pow: "pow_onnx(a, b)",
  PRelu: "select(a * b, a, a >= 0.0)",
  Sum: "a + b",
  Mean: "a + b",
  Max: "select(select(max(a, b), b, is_nan(b)), a, is_nan(a))",
  Min: "select(select(min(a, b), b, is_nan(b)), a, is_nan(a))",
};

/**
 * Per-input element strides over the output's dims (0 along broadcast axes), after
 * merging output axes along which every input steps alike.
 */
export function broadcastWalk(
  outDims: readonly number[],
  inputDims: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const rank = outDims.length;
  const full = inputDims.map((d) => {
    const padded = [...Array(rank - d.length).fill(1), ...d];
    const strides = Array<number>(rank).fill(0);
    let s = 1;
    for (let a = rank - 1; a >= 0; a--) {
      strides[a] = padded[a] === 1 ? 0 : s;
      s *= padded[a];
    }
    return strides;
  });
  const dims: number[] = [];
  const strides: number[][] = full.map(() => []);
  for (let a = 0; a < rank; a++) {
    if (outDims[a] === 1) continue;
    const last = dims.length - 1;
    const merges = last >= 0 &&
      full.every((s, k) => strides[k][last] === s[a] * outDims[a]);
    if (merges) {
      dims[last] *= outDims[a];
      full.forEach((s, k) => (strides[k][last] = s[a]));
    } else {
      dims.push(outDims[a]);
      full.forEach((s, k) => strides[k].push(s[a]));
    }
  }
  if (dims.length === 0) return { dims: [1], strides: full.map(() => [0]) };
  return { dims, strides };
}

/** WGSL loading operand `k` (an f32) at element offset `o${k}`. */
type Loader = (k: number) => string;

/** Records `y = fold(x0, x1, …)` with broadcasting; `finish` maps the result `a`. */
function foldElements(
  args: GpuKernelArgs<unknown>,
  key: string,
  operands: readonly RuntimeTensor[],
  types: readonly string[],
  load: Loader,
  body: string,
): void {
  const { gpu, outputs: [y] } = args;
  const out = wgslFloat(y.dtype, gpu.f16)!;
  const walk = broadcastWalk(y.dims, operands.map((t) => t.dims));
  const slots = slotsFor(walk.dims.length);
  const fields = [`rank: u32, pad0: u32, pad1: u32, dims: array<vec4u, ${slots}>`]
    .concat(operands.map((_, k) => `s${k}: array<vec4u, ${slots}>`)).join(", ");
  const bindings = [
    ...operands.map((_, k) => ({ name: `x${k}`, type: `array<${types[k]}>` })),
    { name: "ys", type: `array<${out}>`, write: true },
  ];
  const offsets = operands.map((_, k) => `var o${k} = 0u;`).join("\n  ");
  const steps = operands.map((_, k) => `    o${k} += c * ${word(`s${k}`, "a")};`).join("\n");
  const pipeline = gpu.pipeline(
    `math:fold:${key}:${types.join(",")}:${out}:${slots}`,
    () =>
      flatShader(
        out,
        fields,
        bindings,
        `  ${offsets}\n${eachAxis(steps)}\n${body.replace(/\$(\d+)/g, (_, k) => load(+k))}`,
      ).replace("@compute", `${MATH_FNS}\n@compute`),
  );
  const params = new Params().u32(y.size).u32(walk.dims.length).u32(0).u32(0);
  pushVec4s(params, "u32", walk.dims, slots);
  for (const s of walk.strides) pushVec4s(params, "u32", s, slots);
  gpu.dispatch(pipeline, params, [...operands.map((t) => t.gpu), y.gpu], gridFor(y.size));
}

function nary(op: string): GpuKernel {
  return {
    supports: sameFloats,
    run(args) {
      const operands = args.inputs.filter((t): t is RuntimeTensor => t !== undefined);
      const type = wgslFloat(operands[0].dtype, args.gpu.f16)!;
      const folds = operands.slice(1).map((_, k) => {
        return `  b = $${k + 1};\n  a = ${FOLDS[op]};`;
      });
      const mean = op === "Mean" ? `\n  a = a / ${operands.length}.0;` : "";
      const body = `  var a = $0;\n  var b = 0.0;\n${
        folds.join("\n")
      }${mean}\n  ys[i] = ${type}(a);`;
      foldElements(
        args,
        `${op}${operands.length}`,
        operands,
        operands.map(() => type),
        (k) => `f32(x${k}[o${k}])`,
        body,
      );
    },
  };
}

/** Where reads its bool condition as bytes packed four to a word. */
const Where: GpuKernel = {
  supports: (q: GpuSupportQuery) =>
    q.inputs[0]?.dtype === "bool" && wgslFloat(q.inputs[1]?.dtype, q.f16) !== undefined &&
    q.inputs[2]?.dtype === q.inputs[1]?.dtype && q.outputs[0]?.dtype === q.inputs[1]?.dtype,
  run(args) {
    const operands = args.inputs as RuntimeTensor[];
    const type = wgslFloat(operands[1].dtype, args.gpu.f16)!;
    const load = (k: number) =>
      k === 0 ? "f32((x0[o0 / 4u] >> (8u * (o0 % 4u))) & 0xffu)" : `f32(x${k}[o${k}])`;
    const body = `  ys[i] = ${type}(select($2, $1, $0 != 0.0));`;
    foldElements(args, "Where", operands, ["u32", type, type], load, body);
  },
};

/** Elementwise kernels by op name. */
export const ELEMENTWISE_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, unary(op)])),
  ...Object.fromEntries(Object.keys(FOLDS).map((op) => [op, nary(op)])),
  Gelu,
  Clip,
  Cast,
  Where,
};
