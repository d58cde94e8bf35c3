/**
 * Neural-network ops: MatMul, Gemm, convolutions, pooling, normalizations. Each group
 * lives in its own nn_*.ts file; this is the family's table.
 * @module
 */
import { Conv, ConvTranspose } from "./nn_conv.ts";
import { Gemm, MatMul } from "./nn_gemm.ts";
import { NORM_OPS } from "./nn_norm.ts";
import { POOL_OPS } from "./nn_pool.ts";
import type { OpSchema } from "./schema.ts";

/** Schemas of the nn family. */
export const NN_OPS: readonly OpSchema<unknown>[] = [
  MatMul,
  Gemm,
  Conv,
  ConvTranspose,
  ...POOL_OPS,
  ...NORM_OPS,
];
