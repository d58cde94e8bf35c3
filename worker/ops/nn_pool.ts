/**
 * WASM bindings of the pooling ops. Windowed pools are described to the kernels as
 * `[planes, input×3, output×3, kernel×3, strides×3, dilations×3, pads×3, pads_end×3]`.
 * @module
 */
import {
  type AveragePoolParams,
  type GlobalLpPoolParams,
  type LpPoolParams,
  type MaxPoolParams,
  type PoolParams,
  poolWindows,
} from "../../graph/ops/nn_pool.ts";
import type { AxisWindow } from "../../graph/ops/nn_window.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs } from "./kernel.ts";
import { window3 } from "./nn_geom.ts";
import { asF32, f32Output } from "./_f32.ts";

/** The max-pool kernel of each type computed natively (exact); float16 goes via f32. */
const MAX_KERNEL: Partial<Record<string, string>> = {
  float32: "f32",
  float64: "f64",
  int8: "i8",
  uint8: "u8",
};

function describe(op: string, x: RuntimeTensor, windows: readonly AxisWindow[]): number[] {
  return [x.dims[0] * x.dims[1], ...window3(op, x.dims.slice(2), windows).flat()];
}

function windowDesc(args: KernelArgs<PoolParams>): number[] {
  const x = args.inputs[0]!;
  return describe(args.node.opType, x, poolWindows(args.params, x.dims));
}

/** Runs an f32 pooling kernel on staged X and Y: `call(desc, x, y)` makes the call. */
function staged(
  args: KernelArgs,
  desc: number[],
  call: (d: number, x: number[], y: number[]) => void,
) {
  const d = args.i32s(desc);
  const [x, out] = [args.inputs[0]!, args.outputs[0]];
  const y = f32Output(args, out);
  call(d, [asF32(args, x), x.size], [y.ptr, out.size]);
  y.commit();
}

function maxPool(args: KernelArgs<MaxPoolParams>): void {
  const desc = windowDesc(args);
  const [y, indices] = args.outputs;
  const idx = indices ? [indices.ptr, indices.size] : [0, 0];
  const order = args.params.columnMajor ? 1 : 0;
  const x = args.inputs[0]!;
  const native = MAX_KERNEL[x.dtype];
  if (native) {
    const d = args.i32s(desc);
    args.kernels.call(
      `maxpool_${native}`,
      d,
      desc.length,
      x.ptr,
      x.size,
      y.ptr,
      y.size,
      ...idx,
      order,
    );
    return;
  }
  staged(args, desc, (d, xs, ys) => {
    args.kernels.call("maxpool_f32", d, desc.length, ...xs, ...ys, ...idx, order);
  });
}

function averagePool(args: KernelArgs<AveragePoolParams>): void {
  const desc = windowDesc(args), include = args.params.countIncludePad ? 1 : 0;
  staged(
    args,
    desc,
    (d, x, y) => args.kernels.call("avgpool_f32", d, desc.length, ...x, ...y, include),
  );
}

function lpPool(args: KernelArgs<LpPoolParams>): void {
  const desc = windowDesc(args);
  staged(
    args,
    desc,
    (d, x, y) => args.kernels.call("lppool_f32", d, desc.length, ...x, ...y, args.params.p),
  );
}

function globalLpPool(args: KernelArgs<GlobalLpPoolParams>): void {
  const x = args.inputs[0]!;
  const windows = x.dims.slice(2).map((size) => ({
    kernel: size,
    stride: 1,
    dilation: 1,
    padBegin: 0,
    padEnd: 0,
    output: 1,
  }));
  const desc = describe(args.node.opType, x, windows);
  staged(
    args,
    desc,
    (d, xs, ys) => args.kernels.call("lppool_f32", d, desc.length, ...xs, ...ys, args.params.p),
  );
}

function globalAveragePool(args: KernelArgs): void {
  const [x, out] = [args.inputs[0]!, args.outputs[0]];
  const y = f32Output(args, out);
  args.kernels.call("global_avgpool_f32", asF32(args, x), x.size, y.ptr, out.size);
  y.commit();
}

function globalMaxPool(args: KernelArgs): void {
  const [x] = args.inputs as RuntimeTensor[], [y] = args.outputs;
  if (x.dtype === "float64") {
    args.kernels.call("global_maxpool_f64", x.ptr, x.size, y.ptr, y.size);
    return;
  }
  const ys = f32Output(args, y);
  args.kernels.call("global_maxpool_f32", asF32(args, x), x.size, ys.ptr, y.size);
  ys.commit();
}

/** Kernel bindings of the pooling ops. */
export const POOL_KERNELS = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  LpPool: lpPool,
  GlobalAveragePool: globalAveragePool,
  GlobalMaxPool: globalMaxPool,
  GlobalLpPool: globalLpPool,
};
