/**
 * The one table from ONNX op name to schema.
 * @module
 */
import type { OpSchema } from "./schema.ts";
import { ELEMENTWISE_OPS } from "./elementwise.ts";
import { REDUCE_OPS } from "./reduce.ts";
import { MOVEMENT_OPS } from "./movement.ts";
import { NN_OPS } from "./nn.ts";
import { RNN_OPS } from "./rnn.ts";
import { QUANT_OPS } from "./quant.ts";
import { CONTROL_FLOW_OPS } from "./control_flow.ts";
import { MICROSOFT_OPS } from "./nn_fused.ts";
import { withArity } from "./_arity.ts";

const ALL: readonly OpSchema<unknown>[] = [
  ...ELEMENTWISE_OPS,
  ...REDUCE_OPS,
  ...MOVEMENT_OPS,
  ...NN_OPS,
  ...RNN_OPS,
  ...QUANT_OPS,
  ...CONTROL_FLOW_OPS,
];

const BY_NAME = new Map<string, OpSchema<unknown>>(
  ALL.map((s) => [s.opType, withArity(s)]),
);

const MICROSOFT = new Map(MICROSOFT_OPS.map((s) => [s.opType, withArity(s)]));

/**
 * The schema of an ai.onnx (or com.microsoft) op, or undefined when meshrt does not implement it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(opSchema("Relu")?.opType, "Relu");
 * ```
 */
export function opSchema(opType: string, domain = ""): OpSchema<unknown> | undefined {
  if (domain === "" || domain === "ai.onnx") return BY_NAME.get(opType);
  return domain === "com.microsoft" ? MICROSOFT.get(opType) : undefined;
}

/** Names of every supported op. */
export function supportedOps(): string[] {
  return [...BY_NAME.keys(), ...MICROSOFT.keys()].sort();
}
