/**
 * Bindings of the index-driven movement ops: Gather, GatherElements, GatherND, the
 * ScatterElements pair and ScatterND.
 * @module
 */
import { dtypeBytes, dtypeToOnnx } from "../../graph/dtype.ts";
import { resolveAxis } from "../../graph/ops/movement_axes.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { span } from "./movement_plans.ts";

/** Data, indices and the indices' element bytes of an index op. */
function operands(args: KernelArgs<unknown>): [RuntimeTensor, RuntimeTensor, number] {
  const [data, idx] = args.inputs;
  return [data!, idx!, dtypeBytes(idx!.dtype)];
}

function gather(args: KernelArgs<number>): void {
  const [x, idx, ib] = operands(args), y = args.outputs[0];
  const axis = resolveAxis(args, args.params, x.dims.length);
  const [outer, len, inner] = [span(x.dims, 0, axis), x.dims[axis], span(x.dims, axis + 1)];
  args.kernels.call(
    "movement_gather",
    dtypeBytes(x.dtype),
    ib,
    x.ptr,
    idx.ptr,
    idx.size,
    y.ptr,
    outer,
    len,
    inner,
  );
}

function gatherElements(args: KernelArgs<{ axis: number }>): void {
  const [x, idx, ib] = operands(args), y = args.outputs[0], r = x.dims.length;
  const axis = resolveAxis(args, args.params.axis, r);
  const shapes = args.i32s([...idx.dims, ...x.dims]);
  args.kernels.call(
    "movement_gather_elements",
    dtypeBytes(x.dtype),
    ib,
    x.ptr,
    idx.ptr,
    y.ptr,
    r,
    shapes,
    axis,
  );
}

/** GatherND's and ScatterND's view: batch count, tuple count and length, indexed dims. */
function tuples(data: RuntimeTensor, idx: RuntimeTensor, batchDims: number) {
  const k = idx.dims[idx.dims.length - 1];
  return {
    batch: span(data.dims, 0, batchDims),
    count: span(idx.dims, 0, idx.dims.length - 1),
    k,
    dims: data.dims.slice(batchDims, batchDims + k),
    inner: span(data.dims, batchDims + k),
  };
}

function gatherND(args: KernelArgs<number>): void {
  const [x, idx, ib] = operands(args), y = args.outputs[0];
  const t = tuples(x, idx, args.params);
  const dims = args.i32s(t.dims);
  args.kernels.call(
    "movement_gather_nd",
    dtypeBytes(x.dtype),
    ib,
    x.ptr,
    idx.ptr,
    y.ptr,
    t.batch,
    t.count,
    t.k,
    dims,
    t.inner,
  );
}

/**
 * A scatter op's data and indices, and the arguments its kernel takes first: type code,
 * index bytes, then the data, indices, updates and output pointers.
 */
function scatterOperands(args: KernelArgs<unknown>) {
  const [x, idx, ib] = operands(args), upd = args.inputs[2]!, y = args.outputs[0];
  return { x, idx, lead: [dtypeToOnnx(x.dtype), ib, x.ptr, idx.ptr, upd.ptr, y.ptr] };
}

function scatterElements(args: KernelArgs<{ axis: number; reduction: number }>): void {
  const { x, idx, lead } = scatterOperands(args), r = x.dims.length;
  const axis = resolveAxis(args, args.params.axis, r);
  const shapes = args.i32s([...idx.dims, ...x.dims]);
  const { reduction } = args.params;
  args.kernels.call("movement_scatter_elements", ...lead, r, shapes, axis, reduction);
}

function scatterND(args: KernelArgs<number>): void {
  const { x, idx, lead } = scatterOperands(args), t = tuples(x, idx, 0);
  const dims = args.i32s(t.dims);
  args.kernels.call("movement_scatter_nd", ...lead, t.count, t.k, dims, t.inner, args.params);
}

/** Bindings of the index-driven movement ops. */
export const INDEX_KERNELS: KernelTable = {
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  ScatterND: scatterND,
};
