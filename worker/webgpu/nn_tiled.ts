/**
 * The batched GEMM core every WebGPU nn kernel shares: MatMul, Gemm, Conv (implicit GEMM)
 * and ConvTranspose differ only in how they read A and B and finish an output, which they
 * give as WGSL functions. Large products run tiled through workgroup memory (16×16
 * threads, each computing RM×RN outputs); thin ones run one thread per output.
 * @module
 */
import type { Activation } from "../../graph/ops/nn_fused.ts";
import { FLAT_INDEX, type GpuDevice, gridFor, Params } from "./device.ts";
import { activationWgsl, pushActivation } from "./nn_activation.ts";
import { prelude, type WgslFloat } from "./wgsl.ts";

/** Threads per side of a tiled workgroup. */
const SIDE = 16;
/** The K depth of one tile step. */
const DEPTH = 16;
/** The most workgroups WebGPU allows along one dimension. */
const MAX_GROUPS = 65535;

/**
 * One op's GEMM: `batches` products of m×k by k×n, written to `ys` at
 * `(z · m + row) · n + col`. `functions` defines, over the uniform struct `p`:
 * - `fn batch(z: u32) -> vec2u`: where batch z starts in A and in B;
 * - `fn loadA(base: u32, row: u32, col: u32) -> f32` and `fn loadB(...)` (only called
 *   with row and col in range);
 * - `fn epilogue(z: u32, row: u32, col: u32, acc: f32) -> f32` (before the activation).
 */
export interface GemmProgram {
  /** Pipeline key of everything the functions depend on (op, variant flags). */
  key: string;
  type: WgslFloat;
  /**
   * WGSL fields of the uniform struct between the head (m, n, k, batches: 16 bytes, so
   * vec4 fields placed first stay aligned) and act0/act1; each ends with a comma.
   */
  fields: string;
  /** Appends the values of `fields`. */
  push: (params: Params) => void;
  functions: string;
  /** Names of the read-only storage inputs, in binding order (the output follows). */
  inputs: readonly string[];
  activation?: Activation;
}

/** The sizes of one batched product. */
export interface GemmSize {
  m: number;
  n: number;
  k: number;
  batches: number;
}

/**
 * Records `program` over `size`, reading `buffers` (one per `program.inputs`) and writing
 * `output`: tiled when m, n and k are all 8 or more, else one thread per output.
 * @example
 * ```ts ignore
 * runGemm(gpu, program, { m: 64, n: 64, k: 32, batches: 1 }, [a, b], y);
 * ```
 */
export function runGemm(
  gpu: GpuDevice,
  program: GemmProgram,
  size: GemmSize,
  buffers: readonly GPUBuffer[],
  output: GPUBuffer,
): void {
  const params = new Params().u32s([size.m, size.n, size.k, size.batches]);
  program.push(params);
  pushActivation(params, program.activation);
  const code = program.activation?.[0] ?? 0;
  const tiles = tileShape(size);
  const variant = tiles ? `tiled${tiles.rm}x${tiles.rn}` : "direct";
  const pipeline = gpu.pipeline(
    `nn:${program.key}:${program.type}:a${code}:${variant}`,
    () => shader(program, code, tiles),
  );
  const groups: [number, number, number] = tiles
    ? [Math.ceil(size.n / (SIDE * tiles.rn)), Math.ceil(size.m / (SIDE * tiles.rm)), size.batches]
    : [...gridFor(size.batches * size.m * size.n), 1];
  gpu.dispatch(pipeline, params, [...buffers, output], groups);
}

/** Outputs per thread along rows and columns, or undefined when the product is too thin. */
function tileShape(s: GemmSize): { rm: number; rn: number } | undefined {
  if (s.m < 8 || s.n < 8 || s.k < 8 || s.batches > MAX_GROUPS) return undefined;
  const per = (d: number) => (d >= 48 ? 4 : d >= 24 ? 2 : 1);
  const [rm, rn] = [per(s.m), per(s.n)];
  if (Math.max(s.m / (SIDE * rm), s.n / (SIDE * rn)) > MAX_GROUPS) return undefined;
  return { rm, rn };
}

function shader(
  program: GemmProgram,
  code: number,
  tiles: { rm: number; rn: number } | undefined,
): string {
  const t = program.type;
  const bindings = program.inputs.map((name, i) =>
    `@group(0) @binding(${i + 1}) var<storage, read> ${name}: array<${t}>;`
  );
  const out = program.inputs.length + 1;
  return `${prelude(t)}
struct P { m: u32, n: u32, k: u32, batches: u32, ${program.fields} act0: f32, act1: f32 }
@group(0) @binding(0) var<uniform> p: P;
${bindings.join("\n")}
@group(0) @binding(${out}) var<storage, read_write> ys: array<${t}>;
${activationWgsl(code)}
${program.functions}
fn store(z: u32, row: u32, col: u32, acc: f32) {
  ys[(z * p.m + row) * p.n + col] = ${t}(act(epilogue(z, row, col, acc)));
}
${tiles ? tiledMain(tiles.rm, tiles.rn) : DIRECT_MAIN}`;
}

/** One thread per output, looping over k. */
const DIRECT_MAIN = `
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = ${FLAT_INDEX};
  let plane = p.m * p.n;
  if (i >= p.batches * plane) { return; }
  let z = i / plane;
  let row = (i % plane) / p.n;
  let col = i % p.n;
  let base = batch(z);
  var acc = 0.0;
  for (var k = 0u; k < p.k; k++) {
    acc = fma(loadA(base.x, row, k), loadB(base.y, k, col), acc);
  }
  store(z, row, col, acc);
}`;

/**
 * A workgroup computes a (16·rm)×(16·rn) output tile, staging DEPTH-deep slices of A and B
 * in workgroup memory; thread (x, y) owns rows y + 16i and columns x + 16j.
 */
function tiledMain(rm: number, rn: number): string {
  return `
const RM = ${rm}u;
const RN = ${rn}u;
const TM = ${SIDE * rm}u;
const TN = ${SIDE * rn}u;
const BK = ${DEPTH}u;
const THREADS = ${SIDE * SIDE}u;
var<workgroup> tileA: array<f32, ${DEPTH * SIDE * rm}>;
var<workgroup> tileB: array<f32, ${DEPTH * SIDE * rn}>;
@compute @workgroup_size(${SIDE}, ${SIDE})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let z = wid.z;
  let row0 = wid.y * TM;
  let col0 = wid.x * TN;
  let tid = lid.y * ${SIDE}u + lid.x;
  let base = batch(z);
  var acc: array<array<f32, RN>, RM>;
  for (var k0 = 0u; k0 < p.k; k0 += BK) {
    for (var i = 0u; i < RM; i++) {
      let e = tid + i * THREADS;
      let r = row0 + e / BK;
      let c = k0 + e % BK;
      var v = 0.0;
      if (r < p.m && c < p.k) { v = loadA(base.x, r, c); }
      tileA[(e % BK) * TM + e / BK] = v;
    }
    for (var j = 0u; j < RN; j++) {
      let e = tid + j * THREADS;
      let r = k0 + e / TN;
      let c = col0 + e % TN;
      var v = 0.0;
      if (r < p.k && c < p.n) { v = loadB(base.y, r, c); }
      tileB[e] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var a: array<f32, RM>;
      var b: array<f32, RN>;
      for (var i = 0u; i < RM; i++) { a[i] = tileA[kk * TM + lid.y + i * ${SIDE}u]; }
      for (var j = 0u; j < RN; j++) { b[j] = tileB[kk * TN + lid.x + j * ${SIDE}u]; }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let row = row0 + lid.y + i * ${SIDE}u;
      let col = col0 + lid.x + j * ${SIDE}u;
      if (row < p.m && col < p.n) { store(z, row, col, acc[i][j]); }
    }
  }
}`;
}
