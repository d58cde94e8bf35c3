/**
 * What the agent and a stage's thread say to each other: tensors travel as their parts,
 * with their buffers transferred, never copied.
 * @module
 */
import type { DType, TypedArray } from "../../graph/dtype.ts";
import { Tensor } from "../../graph/tensor.ts";
import type { SessionOptions } from "../session.ts";

/** A tensor as postMessage carries it. */
export interface PostedTensor {
  name: string;
  type: DType;
  dims: readonly number[];
  data: TypedArray;
}

/** From the agent to a stage thread. */
export type StageRequest =
  | { op: "load"; onnx: Uint8Array; options: SessionOptions }
  | { op: "run"; id: number; tensors: PostedTensor[] };

/** From a stage thread to the agent; `id` -1 answers a load. */
export type StageReply =
  | { op: "loaded" }
  | { op: "done"; id: number; tensors: PostedTensor[]; ms: number }
  | { op: "failed"; id: number; name: string; message: string };

/** Named tensors as posted parts. */
export function toPosted(tensors: Record<string, Tensor>): PostedTensor[] {
  return Object.entries(tensors).map(([name, t]) => ({
    name,
    type: t.type,
    dims: t.dims,
    data: t.data,
  }));
}

/** Posted parts as named tensors. */
export function fromPosted(posted: readonly PostedTensor[]): Record<string, Tensor> {
  return Object.fromEntries(posted.map((p) => [p.name, new Tensor(p.type, p.data, p.dims)]));
}

/** The buffers to transfer with `posted` (each tensor owns its buffer). */
export function transferables(posted: readonly PostedTensor[]): ArrayBuffer[] {
  return posted.map((p) => p.data.buffer as ArrayBuffer);
}
