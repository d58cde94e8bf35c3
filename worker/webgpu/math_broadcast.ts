/**
 * The broadcasting elementwise shader: each output element is an f32 expression of its
 * operands' elements, found by numpy broadcasting. Operands that match the output's
 * layout or hold one element take a contiguous fast path without index arithmetic. Bool
 * outputs are written a whole word (four elements) per thread.
 * @module
 */
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { gridFor, Params } from "./device.ts";
import type { GpuKernelArgs } from "./kernel.ts";
import { eachAxis, flatShader, pushVec4s, slotsFor, word } from "./movement_common.ts";
import { withMathFns } from "./math_wgsl.ts";
import type { WgslFloat } from "./wgsl.ts";

/** How an operand's elements are stored: a float type, or bool bytes packed four a word. */
export type ElementKind = WgslFloat | "bool";

/** One input of a broadcasting kernel. */
export interface Operand {
  tensor: RuntimeTensor;
  kind: ElementKind;
  /** Its dims as they broadcast (default: the tensor's). */
  dims?: readonly number[];
}

/**
 * Per-operand element strides over the output's dims (0 along broadcast axes), after
 * merging output axes along which every operand steps alike.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(broadcastWalk([2, 3, 4], [[2, 3, 4], [4]]), {
 *   dims: [6, 4],
 *   strides: [[4, 1], [0, 1]],
 * });
 * ```
 */
export function broadcastWalk(
  outDims: readonly number[],
  inputDims: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const rank = outDims.length;
  const full = inputDims.map((d) => contiguousStrides(rank, d));
  const dims: number[] = [];
  const strides: number[][] = full.map(() => []);
  for (let a = 0; a < rank; a++) {
    if (outDims[a] === 1) continue;
    const last = dims.length - 1;
    const merges = last >= 0 && full.every((s, k) => strides[k][last] === s[a] * outDims[a]);
    if (merges) {
      dims[last] *= outDims[a];
      full.forEach((s, k) => (strides[k][last] = s[a]));
    } else {
      dims.push(outDims[a]);
      full.forEach((s, k) => strides[k].push(s[a]));
    }
  }
  if (dims.length === 0) return { dims: [1], strides: full.map(() => [0]) };
  return { dims, strides };
}

/** Row-major strides of `dims` right-aligned to `rank` axes, 0 where a dim is 1. */
function contiguousStrides(rank: number, dims: readonly number[]): number[] {
  const padded = [...Array<number>(rank - dims.length).fill(1), ...dims];
  const strides = Array<number>(rank).fill(0);
  let s = 1;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = padded[a] === 1 ? 0 : s;
    s *= padded[a];
  }
  return strides;
}

/** WGSL: operand `k`'s element at index `at`, as f32. */
function load(kind: ElementKind, k: number, at: string): string {
  return kind === "bool"
    ? `f32((x${k}[${at} / 4u] >> (8u * (${at} % 4u))) & 0xffu)`
    : `f32(x${k}[${at}])`;
}

/**
 * WGSL setting `o0`, `o1`, … to the operands' element indices for output index `i`: the
 * index itself or 0 on the fast path (`fast[k]` says which), else the uniform's walk.
 */
function offsets(count: number, fast: readonly string[] | undefined): string {
  if (fast) return fast.map((f, k) => `  let o${k} = ${f === "c" ? "i" : "0u"};`).join("\n");
  const vars = Array.from({ length: count }, (_, k) => `  var o${k} = 0u;`).join("\n");
  const steps = Array.from({ length: count }, (_, k) => `    o${k} += c * ${word(`s${k}`, "a")};`);
  return `${vars}\n${eachAxis(steps.join("\n"))}`;
}

/** WGSL storing `value(i)` into `ys`: one element, or four bools packed in a word. */
function store(out: ElementKind): string {
  if (out !== "bool") return `  ys[i] = ${out}(value(i));`;
  return `  var w = 0u;
  for (var j = 0u; j < 4u; j++) {
    let e = i * 4u + j;
    if (e < p.count) { w = w | (select(0u, 1u, value(e) != 0.0) << (8u * j)); }
  }
  ys[i] = w;`;
}

/**
 * Records `y = f(x0, x1, …)` with broadcasting. `body` is WGSL statements that `return`
 * an f32 from the operands' values `v0`, `v1`, … (all f32); `key` names the body for the
 * pipeline cache.
 */
export function broadcastElements(
  args: GpuKernelArgs<unknown>,
  key: string,
  operands: readonly Operand[],
  out: ElementKind,
  body: string,
): void {
  const { gpu, outputs: [y] } = args;
  const walk = broadcastWalk(y.dims, operands.map((o) => o.dims ?? o.tensor.dims));
  const contiguous = walk.dims.length === 1 && walk.strides.every(([s]) => s <= 1);
  const fast = contiguous ? walk.strides.map(([s]) => (s === 1 ? "c" : "s")) : undefined;
  const slots = slotsFor(walk.dims.length);
  const kinds = operands.map((o) => o.kind);
  const storage = (kind: ElementKind) => (kind === "bool" ? "u32" : kind);
  const values = operands.map((o, k) => `  let v${k} = ${load(o.kind, k, `o${k}`)};`);
  const fn = `fn value(i: u32) -> f32 {\n${offsets(operands.length, fast)}\n${
    values.join("\n")
  }\n${body}\n}\n`;
  const fields = [`count: u32, rank: u32, pad0: u32, dims: array<vec4u, ${slots}>`]
    .concat(operands.map((_, k) => `s${k}: array<vec4u, ${slots}>`)).join(", ");
  const bindings = [
    ...operands.map((o, k) => ({ name: `x${k}`, type: `array<${storage(o.kind)}>` })),
    { name: "ys", type: `array<${storage(out)}>`, write: true },
  ];
  const half = [...kinds, out].includes("f16") ? "f16" : "f32";
  const pipeline = gpu.pipeline(
    `math:broadcast:${key}:${kinds.join(",")}:${out}:${fast?.join("") ?? slots}`,
    () =>
      withMathFns(flatShader(half, fields, bindings, store(out)))
        .replace("@compute", `${fn}@compute`),
  );
  const threads = out === "bool" ? Math.ceil(y.size / 4) : y.size;
  const params = new Params().u32(threads).u32(y.size).u32(walk.dims.length).u32(0);
  pushVec4s(params, "u32", walk.dims, slots);
  for (const s of walk.strides) pushVec4s(params, "u32", s, slots);
  const buffers = [...operands.map((o) => o.tensor.gpu), y.gpu];
  gpu.dispatch(pipeline, params, buffers, gridFor(threads));
}
