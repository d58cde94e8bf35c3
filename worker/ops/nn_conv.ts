/**
 * WASM bindings of Conv and ConvTranspose: the graph layer resolves the windows, these
 * describe them to the kernels as `[batch, cin, cout, group, input×3, output×3,
 * kernel×3, strides×3, dilations×3, pads×3]`.
 * @module
 */
import {
  type ConvParams,
  type ConvTransposeParams,
  convTransposeWindows,
  convWindows,
} from "../../graph/ops/nn_conv.ts";
import type { AxisWindow } from "../../graph/ops/nn_window.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";
import { window3 } from "./nn_geom.ts";
import { asF32, f32Output } from "./_f32.ts";
import { NO_ACTIVATION } from "../../graph/ops/nn_fused.ts";
import { convOnThreads, convTransposeOnThreads } from "./nn_threads.ts";

function describe(args: KernelArgs<ConvParams>, windows: AxisWindow[]): number[] {
  const [x] = args.inputs as RuntimeTensor[], [y] = args.outputs;
  const [input, output, kernel, strides, dilations, pads] = window3(
    args.node.opType,
    x.dims.slice(2),
    windows,
  );
  const head = [x.dims[0], x.dims[1], y.dims[1], args.params.group];
  return [...head, ...input, ...output, ...kernel, ...strides, ...dilations, ...pads];
}

/** Stages the operands as f32, sizes the scratch and calls the kernel. */
function run(args: KernelArgs<ConvParams>, desc: number[], transpose: boolean): void {
  const [x, w, b] = args.inputs;
  const d = args.i32s(desc);
  const slot = args.i32s([0]);
  args.kernels.call("conv_scratch_f32", d, desc.length, transpose ? 1 : 0, slot);
  const scratchLen = new Int32Array(args.kernels.memory.buffer, slot, 1)[0];
  const bias = b ? [asF32(args, b), b.size] : [0, 0];
  const operands = [d, desc.length, asF32(args, x!), x!.size, asF32(args, w!), w!.size, ...bias];
  const [out] = args.outputs, y = f32Output(args, out);
  const scratch = [args.scratch(scratchLen * 4), scratchLen];
  if (transpose) {
    convTransposeOnThreads(args, desc, [...operands, y.ptr, out.size, ...scratch]);
  } else {
    const act = args.params.activation ?? NO_ACTIVATION;
    convOnThreads(args, desc, [...operands, y.ptr, out.size, ...act, ...scratch]);
  }
  y.commit();
}

function conv(args: KernelArgs<ConvParams>): void {
  const [x, w] = args.inputs as RuntimeTensor[];
  run(args, describe(args, convWindows(args.params, x.dims, w.dims)), false);
}

function convTranspose(args: KernelArgs<ConvTransposeParams>): void {
  const [x, w] = args.inputs as RuntimeTensor[];
  run(args, describe(args, convTransposeWindows(args.params, x.dims, w.dims)), true);
}

/** Kernel bindings of Conv and ConvTranspose. */
export const CONV_KERNELS = { Conv: conv, ConvTranspose: convTranspose, FusedConv: conv };
