/**
 * Recurrent ops: LSTM, GRU and RNN. One rule serves all three; they differ in gate count,
 * default activations and one flag (LSTM's input_forget, GRU's linear_before_reset).
 * @module
 */
import type { DType } from "../dtype.ts";
import { ShapeError } from "../errors.ts";
import type { Dim, Node, TensorType } from "../ir.ts";
import { attrFloat, attrFloats, attrInt, attrString, attrStrings } from "./_attrs.ts";
import { required } from "./_common.ts";
import { mulDim, productDims, unknownDim } from "./_dims.ts";
import { defineOp, type InputInfo, type OpSchema, type RuleContext } from "./schema.ts";

/** Activation names in the order of the kernels' codes. */
const ACTIVATIONS = [
  "relu",
  "tanh",
  "sigmoid",
  "affine",
  "leakyrelu",
  "thresholdedrelu",
  "scaledtanh",
  "hardsigmoid",
  "elu",
  "softsign",
  "softplus",
];

/** Which of alpha and beta each activation consumes, with the ONNX ops' defaults. */
const ARGS: Record<string, { alpha?: number; beta?: number }> = {
  affine: { alpha: 1, beta: 0 },
  leakyrelu: { alpha: 0.01 },
  thresholdedrelu: { alpha: 1 },
  scaledtanh: { alpha: 1, beta: 1 },
  hardsigmoid: { alpha: 0.2, beta: 0.5 },
  elu: { alpha: 1 },
};

/** One activation as the kernels take it. */
export interface Activation {
  code: number;
  alpha: number;
  beta: number;
}

/** Parsed attributes of a recurrent op. */
export interface RnnParams {
  /** Gates per hidden unit: 4 (LSTM), 3 (GRU), 1 (RNN). */
  gates: number;
  hiddenSize?: number;
  dirs: 1 | 2;
  /** Direction of a one-direction op. */
  reverse: boolean;
  /** layout = 1: batch first. */
  batchFirst: boolean;
  clip?: number;
  /** Per direction, the op's activations in order (f, g, h for LSTM). */
  activations: Activation[];
  /** input_forget (LSTM) or linear_before_reset (GRU). */
  flag: boolean;
}

/**
 * Parses the activations list and its alphas and betas, which are consumed in order by the
 * functions that take them; a one-direction list serves both directions.
 */
function parseActivations(node: Node, defaults: string[], dirs: number): Activation[] {
  let names = attrStrings(node, "activations", []).map((n) => n.toLowerCase());
  if (names.length === 0) names = defaults.map((n) => n.toLowerCase());
  if (names.length === defaults.length && dirs === 2) names = [...names, ...names];
  if (names.length !== defaults.length * dirs) {
    throw new ShapeError(node.name, node.opType, `it has ${names.length} activations`);
  }
  // Copies: the attribute arrays belong to the node, and these are consumed.
  const alphas = [...attrFloats(node, "activation_alpha", [])];
  const betas = [...attrFloats(node, "activation_beta", [])];
  return names.map((name) => {
    const code = ACTIVATIONS.indexOf(name);
    if (code < 0) throw new ShapeError(node.name, node.opType, `activation "${name}" is unknown`);
    const args = ARGS[name] ?? {};
    const alpha = args.alpha === undefined ? 0 : alphas.shift() ?? args.alpha;
    const beta = args.beta === undefined ? 0 : betas.shift() ?? args.beta;
    return { code, alpha, beta };
  });
}

function prepare(node: Node, gates: number, defaults: string[], flag?: string): RnnParams {
  const direction = attrString(node, "direction", "forward");
  if (!["forward", "reverse", "bidirectional"].includes(direction)) {
    throw new ShapeError(node.name, node.opType, `direction "${direction}" is unknown`);
  }
  const dirs = direction === "bidirectional" ? 2 : 1;
  return {
    gates,
    hiddenSize: attrInt(node, "hidden_size"),
    dirs,
    reverse: direction === "reverse",
    batchFirst: attrInt(node, "layout", 0) === 1,
    clip: attrFloat(node, "clip"),
    activations: parseActivations(node, defaults, dirs),
    flag: flag !== undefined && attrInt(node, flag, 0) !== 0,
  };
}

/** Throws when a known dim differs from the one the op expects. */
function expectDims(
  t: InputInfo | undefined,
  want: readonly Dim[],
  what: string,
  ctx: RuleContext<RnnParams>,
): void {
  if (!t?.dims) return;
  const ok = t.dims.length === want.length &&
    t.dims.every((d, i) => typeof d !== "number" || typeof want[i] !== "number" || d === want[i]);
  if (!ok) {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `${what} has shape [${t.dims}], expected [${want}]`,
    );
  }
}

function infer(
  inputs: readonly (InputInfo | undefined)[],
  ctx: RuleContext<RnnParams>,
): TensorType[] {
  const { gates, dirs, batchFirst } = ctx.params;
  const x = required(inputs, 0, ctx), w = required(inputs, 1, ctx), r = required(inputs, 2, ctx);
  const floats: DType[] = ["float32", "float16", "float64"];
  if (!floats.includes(x.dtype)) {
    throw new ShapeError(ctx.node.name, ctx.node.opType, `X has type "${x.dtype}"`);
  }
  if (inputs[4] && inputs[4].dtype !== "int32") {
    throw new ShapeError(
      ctx.node.name,
      ctx.node.opType,
      `sequence_lens has type "${inputs[4].dtype}"`,
    );
  }
  const dtype = x.dtype;
  const hidden: Dim = ctx.params.hiddenSize ?? r.dims?.[2] ?? unknownDim();
  if (!x.dims) return ctx.node.outputs.map(() => ({ dtype }));
  if (x.dims.length !== 3) {
    throw new ShapeError(ctx.node.name, ctx.node.opType, `X has rank ${x.dims.length}, expected 3`);
  }
  const [seq, batch] = batchFirst ? [x.dims[1], x.dims[0]] : [x.dims[0], x.dims[1]];
  const gh = mulDim(gates, hidden),
    state = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
  expectDims(w, [dirs, gh, x.dims[2]], "W", ctx);
  expectDims(r, [dirs, gh, hidden], "R", ctx);
  expectDims(inputs[3], [dirs, mulDim(2, gh)], "B", ctx);
  expectDims(inputs[4], [batch], "sequence_lens", ctx);
  for (const i of [5, 6]) expectDims(inputs[i], state, `input ${i}`, ctx);
  expectDims(inputs[7], [dirs, mulDim(3, hidden)], "P", ctx);
  const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  return ctx.node.outputs.map((_, i) => ({ dtype, dims: i === 0 ? y : state }));
}

/** Two flops per weight per step and batch entry. */
function cost(inputs: readonly TensorType[], _outputs: readonly TensorType[]) {
  const x = productDims(inputs[0].dims ?? [0]);
  const w = productDims(inputs[1].dims ?? [0]), r = productDims(inputs[2].dims ?? [0]);
  const input = inputs[0].dims?.[2], hidden = inputs[2].dims?.[2];
  if ([x, w, r, input, hidden].some((v) => typeof v !== "number")) return { flops: 0 };
  const rows = (x as number) / (input as number);
  return { flops: 2 * rows * ((w as number) + (r as number)) };
}

function recurrent(opType: string, gates: number, defaults: string[], flag?: string) {
  return defineOp({
    opType,
    prepare: (node: Node) => prepare(node, gates, defaults, flag),
    infer,
    cost,
  });
}

/** Schemas of the rnn family. */
export const RNN_OPS: readonly OpSchema<unknown>[] = [
  recurrent("LSTM", 4, ["Sigmoid", "Tanh", "Tanh"], "input_forget"),
  recurrent("GRU", 3, ["Sigmoid", "Tanh"], "linear_before_reset"),
  recurrent("RNN", 1, ["Tanh"]),
];
