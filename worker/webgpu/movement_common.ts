/**
 * What the WebGPU movement kernels share: which tensors they take, host-side shape-like
 * values, uniform arrays of rank-many words, small per-run lookup buffers, and the WGSL
 * skeleton every movement shader fills in.
 * @module
 */
import { decodeValues, type Values } from "../../graph/ops/movement_axes.ts";
import { FLAT_INDEX, type GpuDevice, type Params } from "./device.ts";
import type { GpuKernelArgs, GpuSupportQuery } from "./kernel.ts";
import { prelude, type WgslFloat, wgslFloat } from "./wgsl.ts";

/**
 * Whether every output and input 0 share one float type the device computes in: the
 * movement kernels move float32, and float16 where shaders take `f16`.
 */
export function movesFloats(q: GpuSupportQuery<unknown>): boolean {
  const dtype = q.inputs[0]?.dtype;
  return wgslFloat(dtype, q.f16) !== undefined && q.outputs.every((o) => o?.dtype === dtype);
}

/** The WGSL element type of input 0 (which {@linkcode movesFloats} accepted). */
export function elementOf(args: GpuKernelArgs<unknown>): WgslFloat {
  return wgslFloat(args.inputs[0]!.dtype, args.gpu.f16)!;
}

/**
 * The {@linkcode Values} of a kernel's host inputs as the shape rules read them: null for
 * left-out inputs, float16 bits decoded.
 */
export function hostValues(args: GpuKernelArgs<unknown>): Values {
  return (i) => {
    const t = args.inputs[i];
    return t ? decodeValues(t.dtype, args.values(i) ?? []) : null;
  };
}

/** How many vec4 slots a uniform array of `rank` words takes (at least one). */
export function slotsFor(rank: number): number {
  return Math.max(1, Math.ceil(rank / 4));
}

/** Appends `values` to `p` as an `array<vec4<u32 or i32>, slots>`, zero-padded. */
export function pushVec4s(
  p: Params,
  kind: "u32" | "i32",
  values: readonly number[],
  slots: number,
): Params {
  for (let i = 0; i < slots * 4; i++) p[kind](values[i] ?? 0);
  return p;
}

/** WGSL reading word `k` of a uniform `array<vec4, …>` field. */
export function word(field: string, k: string): string {
  return `p.${field}[${k} / 4u][${k} % 4u]`;
}

/**
 * WGSL visiting the coordinates of the flat output index `i`, last axis first, over the
 * uniform's `rank` and `dims`: `body` sees axis `a`, its length `len` and coordinate `c`
 * (a `var` it may replace).
 */
export function eachAxis(body: string): string {
  return `  var r = i;
  for (var k = p.rank; k > 0u; k--) {
    let a = k - 1u;
    let len = ${word("dims", "a")};
    var c = r % len;
    r = r / len;
${body}
  }`;
}

/**
 * A storage buffer holding small 32-bit lookup tables (index maps, taps) for one node;
 * the caller recycles it once its dispatches are recorded.
 */
export function lookupBuffer(gpu: GpuDevice, words: Int32Array | Uint32Array): GPUBuffer {
  const buffer = gpu.acquire(Math.max(4, words.byteLength));
  gpu.write(buffer, words);
  return buffer;
}

/** One storage binding of a movement shader, after the uniform at binding 0. */
export interface Binding {
  name: string;
  type: string;
  write?: boolean;
}

/**
 * A one-dimensional movement shader: the uniform struct `P` with `fields`, the storage
 * `bindings` at 1, 2, …, and a `body` that sees the flat output index `i` (< `p.n`).
 */
export function flatShader(
  type: WgslFloat,
  fields: string,
  bindings: readonly Binding[],
  body: string,
): string {
  const decls = bindings.map((b, i) =>
    `@group(0) @binding(${i + 1}) var<storage, ${
      b.write ? "read_write" : "read"
    }> ${b.name}: ${b.type};`
  );
  return `${prelude(type)}
struct P { n: u32, ${fields} }
@group(0) @binding(0) var<uniform> p: P;
${decls.join("\n")}
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = ${FLAT_INDEX};
  if (i >= p.n) { return; }
${body}
}`;
}
