/**
 * meshrt: run ONNX models on WASM SIMD kernels, in one process or across a cluster.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InferenceSession, Tensor } from "./mod.ts";
 * const session = await InferenceSession.create("tests/data/relu.onnx");
 * const { y } = await session.run({ x: new Tensor("float32", [-1, 2], [2]) });
 * assert.deepEqual(Array.from(y.data as Float32Array), [0, 2]);
 * session.release();
 * ```
 * @module
 */
export {
  type GraphOptimizationLevel,
  InferenceSession,
  type SessionOptions,
} from "./worker/session.ts";
export { Tensor, type TensorData } from "./graph/tensor.ts";
export type { DType } from "./graph/dtype.ts";
export {
  ModelLoadError,
  ShapeError,
  UnsupportedDTypeError,
  UnsupportedOpError,
} from "./graph/errors.ts";
export { ExecutionError, InputError, SessionReleasedError } from "./worker/errors.ts";
export { KernelError } from "./kernels/mod.ts";
