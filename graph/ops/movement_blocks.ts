/**
 * Movement ops that rearrange or mask blocks of elements: Tile, DepthToSpace,
 * SpaceToDepth, Trilu.
 * @module
 */
import type { Dim, Node } from "../ir.ts";
import { attrInt, attrString } from "./_attrs.ts";
import { mapDim, mulDim } from "./_dims.ts";
import { defineOp, type InputInfo, noParams, type OpSchema, type RuleContext } from "./schema.ts";
import { fail, firstInput, inputValues, type Site, unknownDims } from "./movement_axes.ts";

const Tile = defineOp({
  opType: "Tile",
  prepare: noParams,
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    const repeats = inputValues(inputs)(1);
    if (!dims) return [{ dtype }];
    if (!repeats) return [{ dtype, dims: unknownDims(dims.length) }];
    if (repeats.length !== dims.length || repeats.some((r) => r < 0)) {
      fail(ctx, `repeats [${repeats}] do not fit rank ${dims.length}`);
    }
    return [{ dtype, dims: dims.map((d, i) => mulDim(d, repeats[i])) }];
  },
});

/** DepthToSpace and SpaceToDepth parameters. */
export interface BlockParams {
  block: number;
  /** Channel order: "DCR" (default) or "CRD". */
  crd: boolean;
}

function blockParams(node: Node): BlockParams {
  const block = attrInt(node, "blocksize", 0), mode = attrString(node, "mode", "DCR");
  if (block < 1) fail({ node }, `blocksize ${block} is invalid`);
  if (mode !== "DCR" && mode !== "CRD") fail({ node }, `mode "${mode}" is not supported`);
  return { block, crd: mode === "CRD" };
}

/** The NCHW input of a block op, checked. */
function nchw(inputs: readonly (InputInfo | undefined)[], site: RuleContext<unknown>) {
  const { dtype, dims } = firstInput(inputs, site);
  if (dims && dims.length !== 4) fail(site, `input has rank ${dims.length}, expected 4`);
  return { dtype, dims };
}

function divisible(site: Site, d: Dim, by: number): Dim {
  if (typeof d === "number" && d % by !== 0) fail(site, `dim ${d} is not a multiple of ${by}`);
  return mapDim(d, (n) => n / by);
}

const DepthToSpace = defineOp({
  opType: "DepthToSpace",
  prepare: blockParams,
  infer: (inputs, ctx) => {
    const { dtype, dims } = nchw(inputs, ctx);
    if (!dims) return [{ dtype }];
    const b = ctx.params.block, [n, c, h, w] = dims;
    return [{ dtype, dims: [n, divisible(ctx, c, b * b), mulDim(h, b), mulDim(w, b)] }];
  },
});

const SpaceToDepth = defineOp({
  opType: "SpaceToDepth",
  prepare: blockParams,
  infer: (inputs, ctx) => {
    const { dtype, dims } = nchw(inputs, ctx);
    if (!dims) return [{ dtype }];
    const b = ctx.params.block, [n, c, h, w] = dims;
    return [{ dtype, dims: [n, mulDim(c, b * b), divisible(ctx, h, b), divisible(ctx, w, b)] }];
  },
});

const Trilu = defineOp({
  opType: "Trilu",
  prepare: (node) => attrInt(node, "upper", 1) === 1,
  infer: (inputs, ctx) => {
    const { dtype, dims } = firstInput(inputs, ctx);
    if (dims && dims.length < 2) fail(ctx, `input has rank ${dims.length}, expected at least 2`);
    return [{ dtype, dims }];
  },
});

/** Schemas of the block movement ops. */
export const BLOCK_OPS: readonly OpSchema<unknown>[] = [Tile, DepthToSpace, SpaceToDepth, Trilu];
