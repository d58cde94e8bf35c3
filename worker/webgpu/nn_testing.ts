/**
 * What the nn WebGPU kernel tests share: one-node models run on WebGPU and on WASM, and
 * the check that both agree. WebGPU tests need a real adapter (lavapipe counts).
 * @module
 */
import assert from "node:assert/strict";
import type { DType } from "../../graph/dtype.ts";
import { encodeModel } from "../../graph/encode_model.ts";
import { float16ToFloat32 } from "../../graph/float16.ts";
import type { Attribute, HostTensor } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";

/** One node: the first `fed` inputs (default 1) are fed, the rest are initializers. */
export interface NodeCase {
  opType: string;
  /** "com.microsoft" for FusedConv and FusedGemm. */
  domain?: string;
  opset?: number;
  attributes?: Record<string, Attribute>;
  /** Inputs in node order; null leaves an optional input out. */
  inputs: (Tensor | null)[];
  /** Output types (default: one output of input 0's type). */
  outputs?: DType[];
  fed?: number;
}

function modelOf(c: NodeCase): Uint8Array {
  const names = c.inputs.map((t, i) => (t ? `x${i}` : "")), fed = c.fed ?? 1;
  const initializers = new Map<string, HostTensor>();
  c.inputs.forEach((t, i) => {
    if (t && i >= fed) {
      initializers.set(names[i], { dtype: t.type, dims: [...t.dims], data: t.data });
    }
  });
  const types = c.outputs ?? [c.inputs[0]!.type];
  const outputs = types.map((_, i) => `y${i}`);
  const opsets = new Map([["", c.opset ?? 17]]);
  if (c.domain) opsets.set(c.domain, 1);
  return encodeModel({
    irVersion: 8,
    opsets,
    producerName: "meshrt tests",
    producerVersion: "",
    metadata: new Map(),
    graph: {
      name: c.opType,
      nodes: [{
        name: "node",
        opType: c.opType,
        domain: c.domain ?? "",
        inputs: names,
        outputs,
        attributes: new Map(Object.entries(c.attributes ?? {})),
      }],
      initializers,
      valueInfo: new Map(),
      inputs: c.inputs.flatMap((t, i) =>
        t && i < fed ? [{ name: names[i], dtype: t.type, dims: [...t.dims] }] : []
      ),
      outputs: outputs.map((name, i) => ({ name, dtype: types[i] })),
    },
  });
}

/** Runs `c` with `providers`: the outputs and where the node ran. */
async function run(c: NodeCase, providers: string[]): Promise<[Tensor[], string | undefined]> {
  const session = await InferenceSession.create(modelOf(c), {
    executionProviders: providers,
    graphOptimizationLevel: "disabled",
  });
  try {
    const feeds: Record<string, Tensor> = {};
    c.inputs.forEach((t, i) => t && i < (c.fed ?? 1) && (feeds[`x${i}`] = t));
    const got = await session.run(feeds);
    return [session.outputNames.map((n) => got[n]), session.placement.get("node")];
  } finally {
    session.release();
  }
}

function floats(t: Tensor): number[] {
  return t.type === "float16"
    ? Array.from(t.data as Uint16Array, float16ToFloat32)
    : Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/**
 * Runs `c` with `["webgpu", "wasm"]` and with WASM alone: the node must land on `placed`
 * and the outputs agree within `tol` relative to 1 + |expected|.
 */
export async function agrees(c: NodeCase, tol: number, placed = "webgpu"): Promise<void> {
  const [want] = await run(c, ["wasm"]);
  const [got, where] = await run(c, ["webgpu", "wasm"]);
  assert.equal(where, placed, `${c.opType} ran on ${where}, expected ${placed}`);
  got.forEach((g, i) => {
    assert.deepEqual(g.dims, want[i].dims);
    const [a, b] = [floats(g), floats(want[i])];
    a.forEach((v, k) =>
      assert.ok(
        Math.abs(v - b[k]) <= tol * (1 + Math.abs(b[k])),
        `${c.opType} element ${k}: ${v} vs ${b[k]}`,
      )
    );
  });
}

/** Float types the kernels take, with the tolerance each gets against WASM. */
export const FLOATS: readonly [DType & ("float32" | "float16"), number][] = [
  ["float32", 1e-4],
  ["float16", 4e-3],
];

/** A tensor of `dims` with values in [-1, 1) from a fixed seed (float16 as its bits). */
export function noise(dtype: "float32" | "float16", dims: number[], seed = 1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  let s = seed * 7919 + 17;
  const values = Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
  const data = dtype === "float32"
    ? new Float32Array(values)
    : new Uint16Array(new Float16Array(values).buffer);
  return new Tensor(dtype, data, dims);
}

/** An ints attribute. */
export const ints = (value: number[]): Attribute => ({ kind: "ints", value });
/** An int attribute. */
export const int = (value: number): Attribute => ({ kind: "int", value });
/** A float attribute. */
export const float = (value: number): Attribute => ({ kind: "float", value });
/** A floats attribute. */
export const floats32 = (value: number[]): Attribute => ({ kind: "floats", value });
/** A string attribute. */
export const str = (value: string): Attribute => ({ kind: "string", value });
