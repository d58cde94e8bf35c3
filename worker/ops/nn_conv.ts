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
import { inputF32, outputF32 } from "./nn_stage.ts";

/** Activation code of the kernels' epilogue: none (fused nodes will pass others). */
const NO_ACTIVATION = [0, 0, 0];

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

/** Stages the operands, sizes the scratch and calls `kernel` with its trailing arguments. */
function run(args: KernelArgs<ConvParams>, desc: number[], transpose: boolean): void {
  const [x, w, b] = args.inputs;
  const d = args.i32s(desc);
  const slot = args.i32s([0]);
  args.kernels.call("conv_scratch_f32", d, desc.length, transpose ? 1 : 0, slot);
  const scratchLen = new Int32Array(args.kernels.memory.buffer, slot, 1)[0];
  const [xs, ws] = [inputF32(args, x!), inputF32(args, w!)];
  const bs = b ? inputF32(args, b) : undefined;
  const y = outputF32(args, args.outputs[0]);
  const operands = [d, desc.length, xs.ptr, xs.size, ws.ptr, ws.size, bs?.ptr ?? 0, bs?.size ?? 0];
  const scratch = [args.scratch(scratchLen * 4), scratchLen];
  if (transpose) {
    args.kernels.call("conv_transpose_f32", ...operands, y.ptr, y.size, ...scratch);
  } else {
    args.kernels.call("conv_f32", ...operands, y.ptr, y.size, ...NO_ACTIVATION, ...scratch);
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
export const CONV_KERNELS = { Conv: conv, ConvTranspose: convTranspose };
