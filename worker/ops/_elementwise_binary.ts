/**
 * WASM bindings of the broadcasting elementwise ops.
 * @module
 */
import { type DType, dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import { sizeOf } from "../../graph/ir.ts";
import { broadcastDims } from "../../graph/ops/_dims.ts";
import {
  type BitShiftParams,
  type BroadcastParams,
  legacyDims,
  type ModParams,
} from "../../graph/ops/elementwise.ts";
import { callBroadcast, callCast, callUnary, type Operand } from "./_elementwise_calls.ts";
import { UNARY_CODES } from "./_elementwise_unary.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";

/** Op codes of `elementwise_binary`, as kernels/src/elementwise/binary.rs declares them. */
const BINARY_CODES = {
  Add: 0,
  Sub: 1,
  Mul: 2,
  Div: 3,
  Mod: 4,
  Fmod: 5,
  Pow: 6,
  Max: 7,
  Min: 8,
  PRelu: 9,
  BitShiftLeft: 10,
  BitShiftRight: 11,
  And: 12,
  Or: 13,
  Xor: 14,
} as const;

/** Op codes of `elementwise_compare`. */
const COMPARE_CODES = { Equal: 0, Greater: 1, GreaterOrEqual: 2, Less: 3, LessOrEqual: 4 };

function callBinary(
  args: KernelArgs,
  code: number,
  dtype: DType,
  a: Operand,
  b: Operand,
  y: Operand,
): void {
  const bytes = new Array(3).fill(dtypeBytes(dtype));
  callBroadcast(args, "elementwise_binary", [dtypeToOnnx(dtype), code], [a, b], y, bytes);
}

/** The two operands, B's dims aligned as legacy (opset < 7) broadcasting says. */
function operands({ inputs: [a, b], params }: KernelArgs<BroadcastParams>): [Operand, Operand] {
  const dims = legacyDims(a!.dims.length, b!.dims, params.axis);
  return [a!, { ptr: b!.ptr, size: b!.size, dims }];
}

function binary(code: number) {
  return (args: KernelArgs<BroadcastParams>): void => {
    const [a, b] = operands(args);
    callBinary(args, code, args.inputs[0]!.dtype, a, b, args.outputs[0]);
  };
}

function compare(code: number) {
  return (args: KernelArgs<BroadcastParams>): void => {
    const dtype = dtypeToOnnx(args.inputs[0]!.dtype);
    callBroadcast(args, "elementwise_compare", [dtype, code], operands(args), args.outputs[0]);
  };
}

/** Pow of mixed types computes in float64 and converts the result to the base's type. */
function pow(args: KernelArgs<BroadcastParams>): void {
  const { inputs: [x, e], outputs: [y], kernels } = args;
  const [base, exponent] = operands(args);
  if (x!.dtype === e!.dtype) return callBinary(args, BINARY_CODES.Pow, y.dtype, base, exponent, y);
  const wide = (t: Operand): Operand => ({
    ptr: args.scratch(t.size * 8),
    size: t.size,
    dims: t.dims,
  });
  const [a, b, out] = [wide(base), wide(exponent), wide(y)];
  callCast(kernels, x!.dtype, "float64", base, a);
  callCast(kernels, e!.dtype, "float64", exponent, b);
  callBinary(args, BINARY_CODES.Pow, "float64", a, b, out);
  callCast(kernels, "float64", y.dtype, out, y);
}

/**
 * Max, Min, Sum and Mean fold their inputs pairwise. Steps alternate between the output
 * and one scratch buffer, ending in the output, so no step reads what it writes.
 */
function variadic(code: number, mean: boolean) {
  return (args: KernelArgs): void => {
    const xs = args.inputs.filter((x) => x !== undefined);
    const [y] = args.outputs;
    const steps = xs.length - 1 + (mean ? 1 : 0);
    if (steps === 0) return callCast(args.kernels, y.dtype, y.dtype, xs[0], y);
    const spare = steps > 1 ? args.scratch(y.byteLength) : 0;
    const into = (step: number, dims: readonly number[]): Operand => ({
      ptr: (steps - 1 - step) % 2 === 0 ? y.ptr : spare,
      size: sizeOf(dims),
      dims,
    });
    let acc: Operand = xs[0];
    xs.slice(1).forEach((x, step) => {
      const out = into(step, broadcastDims([acc.dims, x.dims]) as number[]);
      callBinary(args, code, y.dtype, acc, x, out);
      acc = out;
    });
    if (mean) {
      callUnary(
        args.kernels,
        UNARY_CODES.DivScalar,
        y.dtype,
        acc,
        into(steps - 1, acc.dims),
        xs.length,
      );
    }
  };
}

function where(args: KernelArgs): void {
  const { inputs: [c, x, y], outputs: [out] } = args;
  callBroadcast(args, "elementwise_where", [dtypeBytes(x!.dtype)], [c!, x!, y!], out);
}

/** Bindings of the broadcasting elementwise ops. */
export const BINARY_KERNELS: KernelTable = {
  ...Object.fromEntries(
    (["Add", "Sub", "Mul", "Div", "PRelu", "And", "Or", "Xor"] as const).map((op) => [
      op,
      binary(BINARY_CODES[op]),
    ]),
  ),
  ...Object.fromEntries(Object.entries(COMPARE_CODES).map(([op, code]) => [op, compare(code)])),
  Mod: (args: KernelArgs<ModParams>) =>
    binary(args.params.fmod ? BINARY_CODES.Fmod : BINARY_CODES.Mod)(args),
  BitShift: (args: KernelArgs<BitShiftParams>) =>
    binary(args.params.left ? BINARY_CODES.BitShiftLeft : BINARY_CODES.BitShiftRight)(args),
  Pow: pow,
  Max: variadic(BINARY_CODES.Max, false),
  Min: variadic(BINARY_CODES.Min, false),
  Sum: variadic(BINARY_CODES.Add, false),
  Mean: variadic(BINARY_CODES.Add, true),
  Where: where,
};
