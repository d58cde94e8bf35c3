/**
 * Resize (opset 10 through 19) and the deprecated Upsample: attribute parsing and the
 * plan (output size, scale and region per resized axis) its kernel shares.
 * @module
 */
import type { Dim, Node } from "../ir.ts";
import { attrFloat, attrFloats, attrInt, attrInts, attrString } from "./_attrs.ts";
import { required } from "./_common.ts";
import { unknownDim } from "./_dims.ts";
import { defineOp, type OpSchema } from "./schema.ts";
import {
  fail,
  inputValues,
  resolveAxes,
  type Site,
  unknownDims,
  type Values,
} from "./movement_axes.ts";

/** `coordinate_transformation_mode` values, numbered as the kernels number them. */
const COORD_MODES = [
  "half_pixel",
  "half_pixel_symmetric",
  "pytorch_half_pixel",
  "align_corners",
  "asymmetric",
  "tf_half_pixel_for_nn",
  "tf_crop_and_resize",
] as const;

/** `nearest_mode` values; "simple" is how opset 10 Resize and Upsample pick. */
const NEAREST_MODES = [
  "round_prefer_floor",
  "round_prefer_ceil",
  "floor",
  "ceil",
  "simple",
] as const;

const TF_CROP = COORD_MODES.indexOf("tf_crop_and_resize");

/** Parsed Resize/Upsample attributes and where its optional inputs sit. */
export interface ResizeParams {
  mode: "nearest" | "linear" | "cubic";
  coord: number;
  nearest: number;
  cubicA: number;
  excludeOutside: boolean;
  extrapolation: number;
  antialias: boolean;
  axes?: number[];
  keepAspect: "stretch" | "not_larger" | "not_smaller";
  /** Input positions of roi, scales and sizes; -1 where the version has none. */
  roiAt: number;
  scalesAt: number;
  sizesAt: number;
  /** Upsample-7's `scales` attribute. */
  scales?: number[];
}

function oneOf<T extends string>(node: Node, name: string, fallback: T, allowed: readonly T[]): T {
  const v = attrString(node, name, fallback);
  if (!(allowed as readonly string[]).includes(v)) {
    fail({ node }, `${name} "${v}" is not supported`);
  }
  return v as T;
}

function resizeParams(node: Node, opset: number): ResizeParams {
  const modern = opset >= 11;
  const coord = oneOf(node, "coordinate_transformation_mode", "half_pixel", COORD_MODES);
  const nearest = oneOf(node, "nearest_mode", "round_prefer_floor", NEAREST_MODES);
  return {
    mode: oneOf(node, "mode", "nearest", ["nearest", "linear", "cubic"]),
    coord: modern ? COORD_MODES.indexOf(coord) : COORD_MODES.indexOf("asymmetric"),
    nearest: modern ? NEAREST_MODES.indexOf(nearest) : NEAREST_MODES.indexOf("simple"),
    cubicA: attrFloat(node, "cubic_coeff_a", -0.75),
    excludeOutside: attrInt(node, "exclude_outside", 0) === 1,
    extrapolation: attrFloat(node, "extrapolation_value", 0),
    antialias: attrInt(node, "antialias", 0) === 1,
    axes: attrInts(node, "axes"),
    keepAspect: oneOf(node, "keep_aspect_ratio_policy", "stretch", [
      "stretch",
      "not_larger",
      "not_smaller",
    ]),
    roiAt: modern ? 1 : -1,
    scalesAt: modern ? 2 : 1,
    sizesAt: modern ? 3 : -1,
  };
}

function upsampleParams(node: Node, opset: number): ResizeParams {
  const mode = oneOf(node, "mode", "nearest", ["nearest", "linear", "bilinear"]);
  return {
    mode: mode === "nearest" ? "nearest" : "linear",
    coord: COORD_MODES.indexOf("asymmetric"),
    nearest: NEAREST_MODES.indexOf("simple"),
    cubicA: -0.75,
    excludeOutside: false,
    extrapolation: 0,
    antialias: false,
    keepAspect: "stretch",
    roiAt: -1,
    scalesAt: opset < 9 ? -1 : 1,
    sizesAt: -1,
    scales: opset < 9 ? attrFloats(node, "scales", []) : undefined,
  };
}

/** One resized axis. */
export interface ResizeAxis {
  axis: number;
  outLen: Dim;
  /** The scale the coordinate transformation divides by. */
  scale: number;
  /** tf_crop_and_resize's region of this axis, normalized. */
  roi: [number, number];
}

/** Output dims and the resized axes. */
export interface ResizePlan {
  dims: Dim[];
  axes: ResizeAxis[];
}

/** Reads an optional input; empty tensors count as absent. */
function optional(values: Values, at: number): number[] | null | undefined {
  if (at < 0) return null;
  const v = values(at);
  return v && v.length === 0 ? null : v;
}

/**
 * The Resize plan of an input of `dims`; undefined when scales, sizes or roi are unknown.
 * @throws {ShapeError} when scales/sizes are both or neither given, or do not fit the axes
 */
export function resizePlan(
  site: Site,
  p: ResizeParams,
  dims: readonly Dim[],
  values: Values,
): ResizePlan | undefined {
  const axes = p.axes ? resolveAxes(site, p.axes, dims.length) : dims.map((_, i) => i);
  const scales = p.scales ?? optional(values, p.scalesAt), sizes = optional(values, p.sizesAt);
  const roi = optional(values, p.roiAt);
  if (scales === undefined || sizes === undefined || (p.coord === TF_CROP && roi === undefined)) {
    return undefined;
  }
  const given = scales ?? sizes;
  if (!given || (scales && sizes)) fail(site, "exactly one of scales and sizes must be given");
  if (given.length !== axes.length) {
    fail(site, `${given.length} scales or sizes for ${axes.length} axes`);
  }
  if (roi && roi.length !== 2 * axes.length) {
    fail(site, `roi has ${roi.length} values for ${axes.length} axes`);
  }
  const region = (i: number): [number, number] => (roi ? [roi[i], roi[i + axes.length]] : [0, 1]);
  const plan = scales
    ? fromScales(site, dims, axes, scales)
    : fromSizes(site, p, dims, axes, sizes!);
  plan.forEach((a, i) => (a.roi = region(i)));
  const out = [...dims];
  for (const a of plan) out[a.axis] = a.outLen;
  return { dims: out, axes: plan };
}

function fromScales(
  site: Site,
  dims: readonly Dim[],
  axes: number[],
  scales: number[],
): ResizeAxis[] {
  if (scales.some((s) => !(s > 0))) fail(site, `scales [${scales}] must be positive`);
  return axes.map((axis, i) => {
    const d = dims[axis], scale = scales[i];
    return {
      axis,
      scale,
      outLen: typeof d === "number" ? Math.floor(d * scale) : scale === 1 ? d : unknownDim(),
      roi: [0, 1],
    };
  });
}

function fromSizes(
  site: Site,
  p: ResizeParams,
  dims: readonly Dim[],
  axes: number[],
  sizes: number[],
): ResizeAxis[] {
  if (sizes.some((s) => s < 0)) fail(site, `sizes [${sizes}] must not be negative`);
  const ins = axes.map((a) => dims[a]);
  if (p.keepAspect === "stretch") {
    return axes.map((axis, i) => {
      const d = ins[i];
      return {
        axis,
        outLen: sizes[i],
        scale: typeof d === "number" ? sizes[i] / d : NaN,
        roi: [0, 1],
      };
    });
  }
  if (ins.some((d) => typeof d !== "number")) {
    return axes.map((axis) => ({ axis, outLen: unknownDim(), scale: NaN, roi: [0, 1] }));
  }
  const ratios = sizes.map((s, i) => s / (ins[i] as number));
  const scale = p.keepAspect === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
  return axes.map((axis, i) => ({
    axis,
    scale,
    outLen: Math.floor(scale * (ins[i] as number) + 0.5),
    roi: [0, 1],
  }));
}

/**
 * Whether resizing axis `a` of `inLen` leaves it as it is (ONNX's reference skips such
 * axes whatever the coordinate mode, unless a crop region moves them).
 */
export function isIdentityAxis(a: ResizeAxis, inLen: number): boolean {
  return a.scale === 1 && a.outLen === inLen && a.roi[0] === 0 && a.roi[1] === 1;
}

function resizeSchema(
  opType: string,
  prepare: (node: Node, opset: number) => ResizeParams,
): OpSchema<ResizeParams> {
  return defineOp({
    opType,
    prepare: (node, opset) => {
      const p = prepare(node, opset);
      if (p.antialias && p.mode === "nearest") {
        fail({ node }, "antialias needs linear or cubic mode");
      }
      return p;
    },
    infer: (inputs, ctx) => {
      const x = required(inputs, 0, ctx);
      if (!x.dims) return [{ dtype: x.dtype }];
      const plan = resizePlan(ctx, ctx.params, x.dims, inputValues(inputs));
      return [{ dtype: x.dtype, dims: plan?.dims ?? unknownDims(x.dims.length) }];
    },
  });
}

/** Schemas of Resize and Upsample. */
export const RESIZE_OPS: readonly OpSchema<unknown>[] = [
  resizeSchema("Resize", resizeParams),
  resizeSchema("Upsample", upsampleParams),
];
