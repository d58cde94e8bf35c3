/**
 * Pad (opset 2 through 21): constant, reflect, edge and wrap modes, pads as attribute or
 * input, axes, negative pads cropping. Its plan is exported for the kernel.
 * @module
 */
import { attrFloat, attrInts, attrString } from "./_attrs.ts";
import { productDims, unknownDim } from "./_dims.ts";
import { defineOp, type OpSchema } from "./schema.ts";
import {
  fail,
  firstInput,
  inputValues,
  resolveAxes,
  type Site,
  unknownDims,
  type Values,
} from "./movement_axes.ts";

/** Pad's modes, numbered as the kernels number them. */
const PAD_MODES = ["constant", "reflect", "edge", "wrap"] as const;

/** Pad's attributes. */
export interface PadParams {
  mode: number;
  /** The `pads` attribute (opset < 11). */
  pads?: number[];
  /** The `value` attribute (opset < 11). */
  value: number;
}

/** Pads before and after every axis. */
export interface PadPlan {
  begins: number[];
  ends: number[];
}

/**
 * Pad's per-axis pads from the attribute or inputs 1 (pads) and 3 (axes); undefined when
 * unknown.
 * @throws {ShapeError} when pads and axes do not fit the rank
 */
export function padPlan(
  site: Site,
  params: PadParams,
  rank: number,
  values: Values,
): PadPlan | undefined {
  const pads = params.pads ?? values(1), axes = values(3);
  if (!pads || axes === undefined) return undefined;
  const at = resolveAxes(site, axes ?? Array.from({ length: rank }, (_, i) => i), rank);
  if (pads.length !== 2 * at.length) fail(site, `pads [${pads}] do not fit ${at.length} axes`);
  const plan: PadPlan = { begins: Array(rank).fill(0), ends: Array(rank).fill(0) };
  at.forEach((a, i) => {
    plan.begins[a] = pads[i];
    plan.ends[a] = pads[i + at.length];
  });
  return plan;
}

const Pad = defineOp({
  opType: "Pad",
  prepare: (node, opset): PadParams => {
    const name = attrString(node, "mode", "constant");
    const mode = (PAD_MODES as readonly string[]).indexOf(name);
    if (mode < 0) fail({ node }, `mode "${name}" is not supported`);
    const pads = opset < 11 ? attrInts(node, "pads") ?? attrInts(node, "paddings", []) : undefined;
    return { mode, pads, value: attrFloat(node, "value", 0) };
  },
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    if (!dims) return [{ dtype }];
    const value = inputs[2], count = value?.dims && productDims(value.dims);
    if (value && (value.dtype !== dtype || (typeof count === "number" && count > 1))) {
      fail(ctx, `constant_value must be one ${dtype}`);
    }
    const plan = padPlan(ctx, ctx.params, dims.length, inputValues(inputs));
    if (!plan) return [{ dtype, dims: unknownDims(dims.length) }];
    const out = dims.map((d, i) => {
      const add = plan.begins[i] + plan.ends[i];
      if (typeof d !== "number") return add === 0 ? d : unknownDim();
      const kept = d - Math.max(0, -plan.begins[i]) - Math.max(0, -plan.ends[i]);
      if (d + add < 0) fail(ctx, `pads crop axis ${i} of size ${d} below 0`);
      if (kept <= 0 && d + add > 0 && ctx.params.mode !== 0) {
        fail(ctx, `axis ${i} keeps no element to pad from in this mode`);
      }
      return d + add;
    });
    return [{ dtype, dims: out }];
  },
});

/** Schemas of the padding op. */
export const PAD_OPS: readonly OpSchema<unknown>[] = [Pad];
