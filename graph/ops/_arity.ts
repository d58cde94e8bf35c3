/**
 * Input and output counts of every registered op, per the ONNX operator spec, in one
 * table: "2-3>1" is two or three inputs and one output, "1+" one or more. An op whose
 * counts changed across opsets maps each since-version to its counts.
 * @module
 */
import type { Arity, OpSchema } from "./schema.ts";

type Counts = string | Readonly<Record<number, string>>;

const UNARY = [
  "Abs",
  "Acos",
  "Acosh",
  "ArgMax",
  "ArgMin",
  "Asin",
  "Asinh",
  "Atan",
  "Atanh",
  "AveragePool",
  "Cast",
  "Ceil",
  "Celu",
  "ConstantOfShape",
  "Cos",
  "Cosh",
  "DepthToSpace",
  "Elu",
  "Erf",
  "Exp",
  "Flatten",
  "Floor",
  "Gelu",
  "GlobalAveragePool",
  "GlobalLpPool",
  "GlobalMaxPool",
  "HardSigmoid",
  "HardSwish",
  "Hardmax",
  "Identity",
  "IsInf",
  "IsNaN",
  "LeakyRelu",
  "Log",
  "LogSoftmax",
  "LpNormalization",
  "LpPool",
  "Mish",
  "Neg",
  "Not",
  "Reciprocal",
  "Relu",
  "Round",
  "Selu",
  "Shape",
  "Sigmoid",
  "Sign",
  "Sin",
  "Sinh",
  "Size",
  "Softmax",
  "Softplus",
  "Softsign",
  "SpaceToDepth",
  "Sqrt",
  "Tan",
  "Tanh",
  "ThresholdedRelu",
  "Transpose",
];

const BINARY = [
  "Add",
  "And",
  "BitShift",
  "CastLike",
  "CumSum",
  "Div",
  "Equal",
  "Expand",
  "Gather",
  "GatherElements",
  "GatherND",
  "Greater",
  "GreaterOrEqual",
  "Less",
  "LessOrEqual",
  "MatMul",
  "Mod",
  "Mul",
  "Or",
  "PRelu",
  "Pow",
  "Sub",
  "Xor",
];

/** Reductions whose axes moved from an attribute to an optional input in opset 18. */
const REDUCE_18 = [
  "ReduceL1",
  "ReduceL2",
  "ReduceLogSum",
  "ReduceLogSumExp",
  "ReduceMax",
  "ReduceMean",
  "ReduceMin",
  "ReduceProd",
  "ReduceSumSquare",
];

const COUNTS: Readonly<Record<string, Counts>> = {
  ...Object.fromEntries(UNARY.map((op) => [op, "1>1"])),
  ...Object.fromEntries(BINARY.map((op) => [op, "2>1"])),
  ...Object.fromEntries(REDUCE_18.map((op) => [op, { 1: "1>1", 18: "1-2>1" }])),
  ...Object.fromEntries(
    ["Concat", "Einsum", "Max", "Mean", "Min", "Sum"].map((op) => [op, "1+>1"]),
  ),
  ...Object.fromEntries(
    ["InstanceNormalization", "Range", "Scatter", "ScatterElements", "ScatterND", "Where"]
      .map((op) => [op, "3>1"]),
  ),
  BatchNormalization: { 1: "5>1-5", 14: "5>1-3" },
  Clip: { 1: "1>1", 11: "1-3>1" },
  Constant: "0>1",
  Conv: "2-3>1",
  ConvInteger: "2-4>1",
  ConvTranspose: "2-3>1",
  DequantizeLinear: "2-3>1",
  Dropout: { 1: "1>1-2", 12: "1-3>1-2" },
  DynamicQuantizeLinear: "1>3",
  FusedConv: "2-4>1",
  FusedGemm: "2-3>1",
  Gemm: { 1: "3>1", 11: "2-3>1" },
  GRU: "3-6>0-2",
  If: "1>1+",
  LayerNormalization: "2-3>1-3",
  Loop: "2+>1+",
  LSTM: "3-8>0-3",
  MatMulInteger: "2-4>1",
  MaxPool: "1>1-2",
  Pad: { 1: "1>1", 11: "2-3>1", 18: "2-4>1" },
  QLinearConv: "8-9>1",
  QLinearMatMul: "8>1",
  QuantizeLinear: "2-3>1",
  ReduceSum: { 1: "1>1", 13: "1-2>1" },
  Reshape: { 1: "1>1", 5: "2>1" },
  Resize: { 1: "2>1", 11: "3-4>1", 13: "1-4>1" },
  RNN: "3-6>0-2",
  Slice: { 1: "1>1", 10: "3-5>1" },
  Split: { 1: "1-2>1+", 2: "1>1+", 13: "1-2>1+" },
  Squeeze: { 1: "1>1", 13: "1-2>1" },
  Tile: { 1: "3>1", 6: "2>1" },
  TopK: { 1: "1>2", 10: "2>2" },
  Trilu: "1-2>1",
  Unsqueeze: { 1: "1>1", 13: "2>1" },
  Upsample: { 1: "1>1", 9: "2>1" },
};

/** "2-3" → [2, 3]; "1+" → [1, Infinity]; "1" → [1, 1]. */
function range(text: string): [number, number] {
  const [min, max] = text.split("-").map((t) => Number.parseInt(t));
  return [min, text.endsWith("+") ? Infinity : max ?? min];
}

function parse(text: string): Arity {
  const [inputs, outputs] = text.split(">");
  return { inputs: range(inputs), outputs: range(outputs) };
}

/** The counts at `opset`: the newest entry not after it (the oldest for older opsets). */
function arityRule(counts: Counts): (opset: number) => Arity {
  if (typeof counts === "string") {
    const arity = parse(counts);
    return () => arity;
  }
  const versions = Object.entries(counts)
    .map(([since, text]) => ({ since: Number(since), arity: parse(text) }))
    .sort((a, b) => a.since - b.since);
  return (opset) => (versions.findLast((v) => v.since <= opset) ?? versions[0]).arity;
}

/**
 * `schema` with its `arity` from the table when it declares none.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const clip = withArity({ opType: "Clip", prepare: () => null, infer: () => [] });
 * assert.deepEqual(clip.arity?.(9).inputs, [1, 1]);
 * assert.deepEqual(clip.arity?.(13).inputs, [1, 3]);
 * ```
 */
export function withArity<P>(schema: OpSchema<P>): OpSchema<P> {
  const counts = COUNTS[schema.opType];
  return schema.arity || counts === undefined ? schema : { ...schema, arity: arityRule(counts) };
}
