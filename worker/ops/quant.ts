/**
 * WASM kernel bindings of the quant family: the linear (de)quantizations here, the integer
 * products in `quant_integer.ts`. Float kernels compute in f32; other float types pass
 * through f32 scratch copies.
 * @module
 */
import { dtypeToOnnx } from "../../graph/dtype.ts";
import { type LinearParams, quantLayout } from "../../graph/ops/quant.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { asF32, f32Output } from "./_f32.ts";
import { QUANT_INTEGER_KERNELS } from "./quant_integer.ts";

const FLOAT16 = dtypeToOnnx("float16");
const GRANULARITY = { tensor: 0, axis: 1, blocked: 2 } as const;

/** The kernels' layout array `[outer, axis, inner, granularity, block, has_zero_point]`. */
function layoutConfig(args: KernelArgs<LinearParams>): number[] {
  const [x, scale, zp] = args.inputs;
  const { axis, blockSize } = args.params;
  const l = quantLayout(x!.dims, scale!.dims, axis, blockSize);
  return [l.outer, l.axis, l.inner, GRANULARITY[l.granularity], l.block, zp ? 1 : 0];
}

function quantizeLinear(args: KernelArgs<LinearParams>): void {
  const { inputs: [x, scale, zp], outputs: [y], params } = args;
  // The division runs in float16 when asked, or when both operands are float16.
  const half = params.precision === FLOAT16 ||
    (params.precision === 0 && x!.dtype === "float16" && scale!.dtype === "float16");
  const cfg = args.i32s([...layoutConfig(args), half ? 1 : 0]);
  const xs = asF32(args, x!), ss = asF32(args, scale!);
  args.kernels.call("quant_quantize_f32", xs, ss, zp?.ptr ?? 0, y.ptr, dtypeToOnnx(y.dtype), cfg);
}

function dequantizeLinear(args: KernelArgs<LinearParams>): void {
  const { inputs: [x, scale, zp], outputs: [y] } = args;
  const cfg = args.i32s(layoutConfig(args));
  const ss = asF32(args, scale!), out = f32Output(args, y);
  args.kernels.call(
    "quant_dequantize_f32",
    x!.ptr,
    dtypeToOnnx(x!.dtype),
    ss,
    zp?.ptr ?? 0,
    out.ptr,
    cfg,
  );
  out.commit();
}

function dynamicQuantizeLinear({ inputs: [x], outputs: [y, s, z], kernels }: KernelArgs): void {
  kernels.call("quant_dynamic_u8", x!.ptr, x!.size, y.ptr, s.ptr, z.ptr);
}

/** Kernel bindings of the quant family. */
export const QUANT_KERNELS: KernelTable = {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  ...QUANT_INTEGER_KERNELS,
};
