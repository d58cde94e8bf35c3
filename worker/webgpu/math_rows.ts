/**
 * The row kernels that Softmax, the reductions and the normalizations share. A row is
 * `len` elements at stride `inner` from `base`; a kernel folds each row into f32 values
 * (a maximum, a sum, …), then writes. Short or strided rows get one thread each (adjacent
 * threads then read adjacent elements); long contiguous rows, or few long strided ones,
 * get a workgroup each, whose threads fold strided shares and merge them in workgroup
 * memory.
 * @module
 */
import { FLAT_INDEX, type GpuDevice, gridFor, Params } from "./device.ts";
import type { Binding } from "./movement_common.ts";
import { withMathFns } from "./math_wgsl.ts";
import { prelude, type WgslFloat } from "./wgsl.ts";

/** Threads per row in the cooperative form. */
const ROW_WG = 128;

/**
 * One fold along a row into the f32 `name`: it starts at `init`, takes each element `v`
 * with `step` and merges partial results with `merge` (both WGSL expressions of `acc` and
 * `v`); `then` is WGSL run once the fold is complete.
 */
export interface RowFold {
  name: string;
  init: string;
  step: string;
  merge: string;
  then?: string;
}

/** A row kernel: its shader's parts, and how its rows lie. */
export interface RowKernel {
  /** Names everything the shader depends on besides the mode, for the pipeline cache. */
  key: string;
  type: WgslFloat;
  /** Uniform fields after the standard `rows, len, inner, eps, count`. */
  fields?: string;
  bindings: readonly Binding[];
  folds: readonly RowFold[];
  /**
   * WGSL after the folds. `each(body)` runs `body` for this thread's elements `k` of the
   * row (element index {@linkcode AT}); `once(body)` runs `body` once per row.
   */
  finish(each: (body: string) => string, once: (body: string) => string): string;
}

/** WGSL: the element index of row element `k`. */
export const AT = "base + k * p.inner";

/** Where the rows lie: `rows` of them, `len` long, `inner` apart; and scalar uniforms. */
export interface RowShape {
  rows: number;
  len: number;
  inner: number;
  eps?: number;
  count?: number;
}

/** Whether a workgroup should share each row. */
function cooperative({ rows, len, inner }: RowShape): boolean {
  return len >= 64 && (inner === 1 || rows < 1024);
}

/** WGSL loops running `body` over this thread's elements `k` of the row. */
function eachFor(shared: boolean): (body: string) => string {
  const loop = shared
    ? "for (var k = lid; k < p.len; k += WG)"
    : "for (var k = 0u; k < p.len; k++)";
  return (body) => `  ${loop} {\n${body}\n  }`;
}

/** WGSL for the folds: each thread folds its elements, then (shared) the workgroup merges. */
function foldsCode(folds: readonly RowFold[], shared: boolean): string {
  const each = eachFor(shared);
  return folds.map((f, j) => {
    const merge = shared ? `\n  ${f.name} = share${j}(${f.name}, lid);` : "";
    return `  var ${f.name} = ${f.init};
${each(`    let v = f32(xs[${AT}]);\n    ${f.name} = ${ofAcc(f.step, f.name)};`)}${merge}
${f.then ?? ""}`;
  }).join("\n");
}

/** The shader of `k` with one thread per row, or (`shared`) one workgroup per row. */
function rowShader(k: RowKernel, shared: boolean): string {
  const decls = k.bindings.map((b, i) =>
    `@group(0) @binding(${i + 1}) var<storage, ${
      b.write ? "read_write" : "read"
    }> ${b.name}: ${b.type};`
  );
  const once = (body: string) => (shared ? `  if (lid == 0u) {\n${body}\n  }` : body);
  const fns = shared ? k.folds.map((f, j) => shareFn(j, f.merge)).join("") : "";
  const ids = shared
    ? "@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32"
    : "@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u";
  return withMathFns(`${prelude(k.type, shared ? ROW_WG : undefined)}
struct P { rows: u32, len: u32, inner: u32, eps: f32, count: f32${k.fields ? `, ${k.fields}` : ""} }
@group(0) @binding(0) var<uniform> p: P;
${decls.join("\n")}
${shared ? "var<workgroup> partial: array<f32, WG>;" : ""}
${fns}
@compute @workgroup_size(WG)
fn main(${ids}) {
  let row = ${shared ? "wid.x + wid.y * groups.x" : FLAT_INDEX};
  if (row >= p.rows) { return; }
  let base = (row / p.inner) * p.len * p.inner + row % p.inner;
${foldsCode(k.folds, shared)}
${k.finish(eachFor(shared), once)}
}`);
}

/** `expression` with its accumulator `acc` renamed to `name`. */
function ofAcc(expression: string, name: string): string {
  return expression.replace(/\bacc\b/g, name);
}

/** WGSL merging every thread's `x` with `merge` through workgroup memory. */
function shareFn(j: number, merge: string): string {
  return `fn merge${j}(acc: f32, v: f32) -> f32 { return ${merge}; }
fn share${j}(x: f32, lid: u32) -> f32 {
  partial[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = merge${j}(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  let r = partial[0];
  workgroupBarrier();
  return r;
}
`;
}

/**
 * Records kernel `k` over rows shaped as `shape`; `extra` appends the kernel's own uniform
 * fields, and `buffers` follow its bindings.
 */
export function dispatchRows(
  gpu: GpuDevice,
  k: RowKernel,
  shape: RowShape,
  buffers: readonly GPUBuffer[],
  extra?: (p: Params) => void,
): void {
  const shared = cooperative(shape);
  const pipeline = gpu.pipeline(
    `math:rows:${k.key}:${k.type}:${shared}`,
    () => rowShader(k, shared),
  );
  const p = new Params().u32(shape.rows).u32(shape.len).u32(shape.inner)
    .f32(shape.eps ?? 0).f32(shape.count ?? 0);
  extra?.(p);
  const groups = shared ? gridFor(shape.rows, 1) : gridFor(shape.rows);
  gpu.dispatch(pipeline, p, buffers, groups);
}
