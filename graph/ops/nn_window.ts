/**
 * Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops: attribute
 * parsing and, per spatial axis, the output size and the padding on each side.
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { Dim, Node } from "../ir.ts";
import { attrInts, attrString } from "./_attrs.ts";
import { unknownDim } from "./_dims.ts";
import type { RuleContext } from "./schema.ts";

/** How padding is chosen: explicit `pads`, or derived from the input size. */
export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

const AUTO_PADS: readonly string[] = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

/** The window attributes as the node gives them. */
export interface WindowAttrs {
  autoPad: AutoPad;
  kernelShape?: number[];
  strides?: number[];
  dilations?: number[];
  /** Begin pads of every axis, then end pads. */
  pads?: number[];
}

/** One spatial axis of a resolved window. */
export interface AxisWindow {
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
  output: number;
}

/**
 * Reads auto_pad, kernel_shape, strides, dilations and pads.
 * @throws {ShapeError} on an unknown auto_pad or a negative or zero entry where the spec
 * forbids one
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "c", opType: "Conv", domain: "", inputs: [], outputs: [],
 *   attributes: new Map() };
 * assert.equal(parseWindow(node).autoPad, "NOTSET");
 * ```
 */
export function parseWindow(node: Node): WindowAttrs {
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  const fail = (detail: string): never => {
    throw new ShapeError(node.name, node.opType, detail);
  };
  if (!AUTO_PADS.includes(autoPad)) fail(`auto_pad "${autoPad}" is not one of ${AUTO_PADS}`);
  const attrs: WindowAttrs = {
    autoPad: autoPad as AutoPad,
    kernelShape: attrInts(node, "kernel_shape"),
    strides: attrInts(node, "strides"),
    dilations: attrInts(node, "dilations"),
    pads: attrInts(node, "pads"),
  };
  for (const name of ["kernelShape", "strides", "dilations"] as const) {
    if (attrs[name]?.some((v) => v < 1)) fail(`${name} [${attrs[name]}] has an entry below 1`);
  }
  if (attrs.pads?.some((v) => v < 0)) fail(`pads [${attrs.pads}] has a negative entry`);
  return attrs;
}

/**
 * Checks that every per-axis attribute has one entry per spatial axis (pads two).
 * @throws {ShapeError} naming the attribute of the wrong length
 */
export function checkRank(a: WindowAttrs, rank: number, ctx: RuleContext<unknown>): void {
  const lengths = [
    ["kernel_shape", a.kernelShape, rank],
    ["strides", a.strides, rank],
    ["dilations", a.dilations, rank],
    ["pads", a.pads, 2 * rank],
  ] as const;
  for (const [name, v, want] of lengths) {
    if (v && v.length !== want) {
      throw new ShapeError(
        ctx.node.name,
        ctx.node.opType,
        `attribute "${name}" has ${v.length} entries, expected ${want}`,
      );
    }
  }
}

/**
 * The window of spatial axis `i` (of `rank`) over `input` elements, ONNX's convolution
 * and pooling rule: explicit pads, SAME_* (output ceil(input / stride), the odd pad at
 * the end for SAME_UPPER, at the start for SAME_LOWER) or VALID (no pads); `ceilMode`
 * rounds the output up, dropping a last window that would start in the end padding.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const w = windowAxis({ autoPad: "SAME_UPPER", strides: [2] }, 0, 1, 5, 3, false);
 * assert.deepEqual([w.output, w.padBegin, w.padEnd], [3, 1, 1]);
 * ```
 */
export function windowAxis(
  a: WindowAttrs,
  i: number,
  rank: number,
  input: number,
  kernel: number,
  ceilMode: boolean,
): AxisWindow {
  const stride = a.strides?.[i] ?? 1, dilation = a.dilations?.[i] ?? 1;
  const span = (kernel - 1) * dilation + 1;
  const base = { kernel, stride, dilation };
  if (a.autoPad === "SAME_UPPER" || a.autoPad === "SAME_LOWER") {
    const output = Math.ceil(input / stride);
    const total = Math.max(0, (output - 1) * stride + span - input);
    const small = Math.floor(total / 2);
    const padBegin = a.autoPad === "SAME_UPPER" ? small : total - small;
    return { ...base, padBegin, padEnd: total - padBegin, output };
  }
  const padBegin = a.autoPad === "VALID" ? 0 : a.pads?.[i] ?? 0;
  const padEnd = a.autoPad === "VALID" ? 0 : a.pads?.[i + rank] ?? 0;
  const room = input + padBegin + padEnd - span;
  let output = (ceilMode ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1;
  if (ceilMode && (output - 1) * stride >= input + padBegin) output--;
  return { ...base, padBegin, padEnd, output: Math.max(0, output) };
}

/**
 * Output spatial dims of a window rule over possibly symbolic input dims: each known
 * axis resolved by `axis`, each symbolic one a fresh symbol.
 */
export function spatialDims(
  input: readonly Dim[],
  axis: (i: number, size: number) => AxisWindow,
): Dim[] {
  return input.map((d, i) => typeof d === "number" ? axis(i, d).output : unknownDim());
}
