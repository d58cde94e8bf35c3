/**
 * Small WGSL building blocks shared by the kernels: element types and the shader prelude.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import { WORKGROUP_SIZE } from "./device.ts";

/** The WGSL scalar type of a float tensor's elements. */
export type WgslFloat = "f32" | "f16";

/**
 * The WGSL type for a float dtype, or undefined for dtypes kept off the GPU.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(wgslFloat("float16", true), "f16");
 * assert.equal(wgslFloat("float16", false), undefined);
 * assert.equal(wgslFloat("int64", true), undefined);
 * ```
 */
export function wgslFloat(dtype: DType | undefined, f16: boolean): WgslFloat | undefined {
  if (dtype === "float32") return "f32";
  if (dtype === "float16" && f16) return "f16";
  return undefined;
}

/**
 * The lines every shader starts with: `enable f16;` when needed, and the workgroup size
 * `WG` that {@linkcode FLAT_INDEX} and `@workgroup_size(WG)` use.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.match(prelude("f16"), /enable f16;/);
 * ```
 */
export function prelude(type: WgslFloat, workgroupSize = WORKGROUP_SIZE): string {
  return `${type === "f16" ? "enable f16;\n" : ""}const WG = ${workgroupSize}u;\n`;
}
