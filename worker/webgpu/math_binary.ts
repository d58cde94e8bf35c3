/**
 * WebGPU kernels of the broadcasting ops: arithmetic (Add … Pow, Mod, PRelu), variadic
 * Max/Min/Sum/Mean, Where, comparisons and logic with bool outputs, and the predicates
 * IsNaN and IsInf. Floats are computed in f32; ints stay on WASM.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import { type BroadcastParams, legacyDims, type ModParams } from "../../graph/ops/elementwise.ts";
import type { IsInfParams } from "../../graph/ops/elementwise.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { GpuKernel, GpuKernelArgs, GpuSupportQuery } from "./kernel.ts";
import { broadcastElements, type ElementKind, type Operand } from "./math_broadcast.ts";
import { sameFloats } from "./nn_support.ts";
import { wgslFloat } from "./wgsl.ts";

/** How an op folds `a` (its operands so far) with `b` (the next), in f32. */
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

/** Comparisons and logic as f32 conditions of `v0` and `v1` (bools read as 0 or 1). */
const PREDICATES: Record<string, string> = {
  Equal: "v0 == v1",
  Less: "v0 < v1",
  LessOrEqual: "v0 <= v1",
  Greater: "v0 > v1",
  GreaterOrEqual: "v0 >= v1",
  And: "v0 != 0.0 && v1 != 0.0",
  Or: "v0 != 0.0 || v1 != 0.0",
  Xor: "(v0 != 0.0) != (v1 != 0.0)",
  Not: "v0 == 0.0",
  IsNaN: "is_nan(v0)",
};

/** The element kind of a dtype on the device, if the kernels take it. */
function kindOf(dtype: DType | undefined, f16: boolean): ElementKind | undefined {
  return dtype === "bool" ? "bool" : wgslFloat(dtype, f16);
}

/**
 * The present inputs as operands; with `axis` (legacy broadcasting, opset < 7) input 1's
 * dims are aligned at that axis of input 0's.
 */
function operandsOf(args: GpuKernelArgs<unknown>, axis?: number): Operand[] {
  const present = args.inputs.filter((t): t is RuntimeTensor => t !== undefined);
  return present.map((tensor, k) => ({
    tensor,
    kind: kindOf(tensor.dtype, args.gpu.f16)!,
    dims: k === 1 && axis !== undefined
      ? legacyDims(present[0].dims.length, tensor.dims, axis)
      : tensor.dims,
  }));
}

/** WGSL returning the left fold of the operands with `op`. */
function foldBody(op: string, count: number): string {
  const steps = Array.from({ length: count - 1 }, (_, k) => {
    return `  { let b = v${k + 1}; a = ${FOLDS[op]}; }`;
  });
  const mean = op === "Mean" ? `\n  a = a / ${count}.0;` : "";
  return `  var a = v0;\n${steps.join("\n")}${mean}\n  return a;`;
}

/** Whether every input has one kind among `allowed` and the output is bool. */
function boolOf(q: GpuSupportQuery<unknown>, allowed: readonly ElementKind[]): boolean {
  const kind = kindOf(q.inputs[0]?.dtype, q.f16);
  return kind !== undefined && allowed.includes(kind) && q.outputs[0]?.dtype === "bool" &&
    q.inputs.every((t) => t === undefined || t.dtype === q.inputs[0]?.dtype);
}

/**
 * The most inputs a folding shader binds: WebGPU guarantees 8 storage buffers per stage,
 * one of them the output.
 */
const MAX_INPUTS = 7;

/** A float op folding its operands left to right. */
function folding(op: string): GpuKernel<BroadcastParams> {
  return {
    supports: (q) => sameFloats(q) && q.inputs.length <= MAX_INPUTS,
    run(args) {
      const operands = operandsOf(args, args.params.axis),
        out = kindOf(args.outputs[0].dtype, args.gpu.f16)!;
      const key = `${op}${operands.length}`;
      broadcastElements(args, key, operands, out, foldBody(op, operands.length));
    },
  };
}

/** Pow: a float base, and a float exponent of either float type. */
const Pow: GpuKernel<BroadcastParams> = {
  supports: (q) =>
    wgslFloat(q.inputs[0]?.dtype, q.f16) !== undefined &&
    wgslFloat(q.inputs[1]?.dtype, q.f16) !== undefined &&
    q.outputs[0]?.dtype === q.inputs[0]?.dtype,
  run: folding("Pow").run,
};

/** Mod of floats: C's fmod, or the remainder with the divisor's sign (Python's). */
const Mod: GpuKernel<ModParams> = {
  supports: sameFloats,
  run(args) {
    const fn = args.params.fmod ? "fmod_exact" : "mod_python";
    const out = kindOf(args.outputs[0].dtype, args.gpu.f16)!;
    broadcastElements(args, fn, operandsOf(args, args.params.axis), out, `  return ${fn}(v0, v1);`);
  },
};

/** A bool-valued op of floats or bools: `allowed` says which input kinds it takes. */
function predicate(
  op: string,
  allowed: readonly ElementKind[],
): GpuKernel<BroadcastParams | null> {
  return {
    supports: (q) => boolOf(q, allowed),
    run(args) {
      const body = `  return select(0.0, 1.0, ${PREDICATES[op]});`;
      broadcastElements(args, op, operandsOf(args, args.params?.axis), "bool", body);
    },
  };
}

const FLOAT_KINDS: readonly ElementKind[] = ["f32", "f16"];
const ANY_KIND: readonly ElementKind[] = [...FLOAT_KINDS, "bool"];

/** IsInf: which signs count come from the attributes. */
const IsInf: GpuKernel<IsInfParams> = {
  supports: (q) => boolOf(q, FLOAT_KINDS),
  run(args) {
    const { negative, positive } = args.params;
    const signs = negative === positive
      ? (negative ? "true" : "false")
      : (negative ? "v0 < 0.0" : "v0 > 0.0");
    const body = `  return select(0.0, 1.0, is_inf(v0) && (${signs}));`;
    const x = args.inputs[0]!;
    const operand = { tensor: x, kind: kindOf(x.dtype, args.gpu.f16)! };
    broadcastElements(args, `IsInf${signs}`, [operand], "bool", body);
  },
};

/** Where reads its bool condition as bytes packed four to a word. */
const Where: GpuKernel<null> = {
  supports: (q) =>
    q.inputs[0]?.dtype === "bool" && wgslFloat(q.inputs[1]?.dtype, q.f16) !== undefined &&
    q.inputs[2]?.dtype === q.inputs[1]?.dtype && q.outputs[0]?.dtype === q.inputs[1]?.dtype,
  run(args) {
    const out = kindOf(args.outputs[0].dtype, args.gpu.f16)!;
    broadcastElements(args, "Where", operandsOf(args), out, "  return select(v2, v1, v0 != 0.0);");
  },
};

/** Broadcasting kernels by op name. */
export const BINARY_GPU_KERNELS: Record<string, GpuKernel<never>> = {
  ...Object.fromEntries(Object.keys(FOLDS).map((op) => [op, folding(op)])),
  Pow,
  Mod,
  ...Object.fromEntries(
    ["Less", "LessOrEqual", "Greater", "GreaterOrEqual", "IsNaN"].map((op) => [
      op,
      predicate(op, FLOAT_KINDS),
    ]),
  ),
  Equal: predicate("Equal", ANY_KIND),
  ...Object.fromEntries(["And", "Or", "Xor", "Not"].map((op) => [op, predicate(op, ["bool"])])),
  IsInf,
  Where,
};
