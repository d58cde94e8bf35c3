/**
 * Execution backends ("providers", as ONNX Runtime says) and where each node runs. Every
 * backend answers `supportsOp` from static types; a graph's nodes go to the first backend
 * in the preferred order that supports them, and WASM takes every node the others decline.
 * @module
 */
import type { Graph, Node, TensorType } from "../../graph/ir.ts";
import { opSchema } from "../../graph/ops/registry.ts";
import { wasmKernel } from "../ops/registry.ts";
import { gpuKernel } from "../webgpu/registry.ts";
import type { GpuKernel } from "../webgpu/kernel.ts";

/** The backends a node can run on. */
export type BackendName = "wasm" | "webgpu";

/** A node with the static types of its inputs and outputs. */
export interface SupportQuery {
  node: Node;
  opset: number;
  inputs: readonly (TensorType | undefined)[];
  outputs: readonly (TensorType | undefined)[];
}

/** What the executor needs to know of a backend to place nodes on it. */
export interface Backend {
  readonly name: BackendName;
  /** Whether this backend runs the node with these static types. */
  supportsOp(query: SupportQuery): boolean;
}

/** Ops that read only their input's dims, so the input may stay wherever it is. */
export const DIMS_ONLY_OPS: ReadonlySet<string> = new Set(["Shape", "Size"]);

/** Ops the executor runs itself, on the host. */
export const EXECUTOR_OPS: ReadonlySet<string> = new Set(["Constant", "If", "Loop"]);

/**
 * The WASM backend: every op with a schema and a kernel binding, control flow included.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() };
 * assert.ok(WASM_BACKEND.supportsOp({ node, opset: 13, inputs: [], outputs: [] }));
 * ```
 */
export const WASM_BACKEND: Backend = {
  name: "wasm",
  supportsOp({ node }) {
    const schema = opSchema(node.opType, node.domain);
    if (!schema) return false;
    return EXECUTOR_OPS.has(node.opType) || schema.alias !== undefined ||
      wasmKernel(node.opType) !== undefined;
  },
};

/** The WebGPU backend, which also hands out the kernel it would run a node with. */
export interface GpuBackend extends Backend {
  /** The kernel for the node, when WebGPU supports it. */
  kernel(query: SupportQuery): GpuKernel | undefined;
}

/**
 * The WebGPU backend's op support: a kernel exists and accepts the node's types.
 * @param f16 whether the device takes f16 shaders
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const node = { name: "m", opType: "NoSuchOp", domain: "", inputs: [], outputs: [], attributes: new Map() };
 * assert.equal(webgpuBackend(true).supportsOp({ node, opset: 13, inputs: [], outputs: [] }), false);
 * ```
 */
export function webgpuBackend(f16: boolean): GpuBackend {
  const kernel = (q: SupportQuery): GpuKernel | undefined => {
    const { node, opset, inputs, outputs } = q;
    const schema = opSchema(node.opType, node.domain);
    const k = gpuKernel(node.opType);
    if (!schema || !k) return undefined;
    const params = schema.prepare(node, opset);
    return k.supports({ node, params, inputs, outputs, f16 }) ? k : undefined;
  };
  return { name: "webgpu", supportsOp: (q) => kernel(q) !== undefined, kernel };
}

/**
 * The backend of every node of `graph`: the first of `backends` that supports it, else
 * WASM. Alias ops (Reshape, ...) do no work and follow the node that made their input.
 * @param types static value types, as {@linkcode inferShapes} gives them
 */
export function placeNodes(
  graph: Graph,
  opset: number,
  backends: readonly Backend[],
  types: ReadonlyMap<string, TensorType>,
): Map<Node, BackendName> {
  const placed = new Map<Node, BackendName>();
  const producer = new Map<string, BackendName>();
  const typeOf = (name: string) => (name === "" ? undefined : types.get(name));
  for (const node of graph.nodes) {
    const schema = opSchema(node.opType, node.domain);
    let backend: BackendName = "wasm";
    if (schema?.alias !== undefined) {
      backend = producer.get(node.inputs[schema.alias]) ?? "wasm";
    } else if (!EXECUTOR_OPS.has(node.opType)) {
      const query = {
        node,
        opset,
        inputs: node.inputs.map(typeOf),
        outputs: node.outputs.map(typeOf),
      };
      backend = backends.find((b) => b.supportsOp(query))?.name ?? "wasm";
    }
    placed.set(node, backend);
    for (const o of node.outputs) producer.set(o, backend);
  }
  return placed;
}
