/**
 * The developer-set real models: where the fetched .onnx files live, and ONNX Runtime's
 * reference inputs and outputs for each (copied into tests/data/models/).
 * @module
 */
import { type DType, typedAlloc } from "../graph/dtype.ts";
import { Tensor } from "../graph/tensor.ts";

/** The eight models, in the order reports list them. */
export const MODEL_NAMES = [
  "silero_vad_v5",
  "silero_vad_op18_ifless",
  "ppocr_v4_det",
  "ppocr_v4_rec",
  "ppocr_v2_cls",
  "oww_melspectrogram",
  "oww_embedding",
  "oww_hey_jarvis",
] as const;

/** One model's name. */
export type ModelName = typeof MODEL_NAMES[number];

/** The folder holding fetched models. */
export function modelDir(): string {
  return Deno.env.get("MESHRT_MODEL_CACHE") ?? `${Deno.env.get("HOME")}/.cache/meshrt/models`;
}

/** Path of a fetched model. */
export function modelPath(name: ModelName): string {
  return `${modelDir()}/${name}.onnx`;
}

/** An expected output and the slack the matching rule allows it. */
export interface ExpectedOutput {
  name: string;
  tensor: Tensor;
  /** max(1e-4 · max|ref|, 10 × ONNX Runtime's own optimized-vs-unoptimized difference). */
  tolerance: number;
}

/** A model's reference case. */
export interface ModelCase {
  inputs: Record<string, Tensor>;
  outputs: ExpectedOutput[];
}

interface CaseTensor {
  name: string;
  dtype: DType;
  shape: number[];
  file: string;
}

/** Reads `tests/data/models/<name>/`. */
export function loadModelCase(name: ModelName): ModelCase {
  const dir = new URL(`./data/models/${name}/`, import.meta.url);
  const json = JSON.parse(Deno.readTextFileSync(new URL("case.json", dir)));
  const read = (t: CaseTensor) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    const data = typedAlloc(t.dtype, count);
    new Uint8Array(data.buffer).set(Deno.readFileSync(new URL(t.file, dir)));
    return new Tensor(t.dtype, data, t.shape);
  };
  const inputs: Record<string, Tensor> = {};
  for (const t of json.inputs as CaseTensor[]) inputs[t.name] = read(t);
  const outputs = (json.outputs as CaseTensor[]).map((t, i): ExpectedOutput => {
    const tensor = read(t);
    const ref = json.opt_vs_disabled.per_output[i];
    const tolerance = Math.max(1e-4 * maxAbsDiff(tensor), 10 * ref.max_abs);
    return { name: t.name, tensor, tolerance };
  });
  return { inputs, outputs };
}

/**
 * Largest |actual − expected| over the elements of two float tensors of one size (against
 * zeros when `expected` is left out). Equal values (infinities too) and NaN against NaN
 * differ by 0; any other pair with a NaN or an infinity differs by Infinity.
 * A loop, not `Math.max(...data)`: spreading a 640×640 output overflows the stack.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../graph/tensor.ts";
 * const a = new Tensor("float32", [1, -3], [2]), b = new Tensor("float32", [1.5, -3], [2]);
 * assert.equal(maxAbsDiff(a, b), 0.5);
 * assert.equal(maxAbsDiff(a), 3);
 * ```
 */
export function maxAbsDiff(actual: Tensor, expected?: Tensor): number {
  const a = actual.data as Float32Array, e = expected?.data as Float32Array | undefined;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e ? e[i] : 0;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const d = Math.abs(x - y);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}
