/**
 * Prepared models stored content-addressed: the same ONNX bytes at the same optimization
 * level are decoded and optimized once, however many names or versions use them.
 * @module
 */
import type { Model } from "../../graph/ir.ts";
import type { OptimizationLevel } from "../../graph/optimize/levels.ts";
import { prepareModel } from "../../worker/prepare_model.ts";

/**
 * The sha256 digest of some bytes, as lowercase hex.
 * @param bytes the data
 * @returns 64 hex digits
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal((await sha256Hex(new Uint8Array())).slice(0, 8), "e3b0c442");
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Prepared models by the digest of their bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const store = new ModelStore();
 * const bytes = await Deno.readFile("tests/data/relu.onnx");
 * const a = await store.prepare(bytes, "all"), b = await store.prepare(bytes, "all");
 * assert.equal(a.model, b.model);
 * ```
 */
export class ModelStore {
  readonly #models = new Map<string, Promise<Model>>();

  /**
   * Prepares (or finds) the model of `bytes` at `level`.
   * @throws {ModelLoadError} on bytes that are not a model
   */
  async prepare(
    bytes: Uint8Array,
    level: OptimizationLevel,
  ): Promise<{ sha256: string; model: Model }> {
    const sha256 = await sha256Hex(bytes);
    const key = `${sha256}:${level}`;
    let model = this.#models.get(key);
    if (!model) {
      model = prepareModel(bytes, { level }).then((r) => r.model);
      this.#models.set(key, model);
      model.catch(() => this.#models.delete(key));
    }
    return { sha256, model: await model };
  }

  /** Forgets models no loaded version uses. */
  retain(used: Set<string>): void {
    for (const key of this.#models.keys()) {
      if (!used.has(key.split(":")[0])) this.#models.delete(key);
    }
  }
}
