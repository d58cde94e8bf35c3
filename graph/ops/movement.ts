/**
 * The movement family: shape and data-movement ops. Reshape, Flatten, Squeeze and
 * Unsqueeze alias their input's buffer; the rest copy through byte-width kernels.
 * @module
 */
import type { OpSchema } from "./schema.ts";
import { SHAPE_OPS } from "./movement_shape.ts";
import { LAYOUT_OPS } from "./movement_layout.ts";
import { BLOCK_OPS } from "./movement_blocks.ts";
import { PAD_OPS } from "./movement_pad.ts";
import { INDEX_OPS } from "./movement_index.ts";
import { RESIZE_OPS } from "./movement_resize.ts";

/** Schemas of the movement family. */
export const MOVEMENT_OPS: readonly OpSchema<unknown>[] = [
  ...SHAPE_OPS,
  ...LAYOUT_OPS,
  ...BLOCK_OPS,
  ...PAD_OPS,
  ...INDEX_OPS,
  ...RESIZE_OPS,
];
