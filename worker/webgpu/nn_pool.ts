/**
 * WebGPU pooling: MaxPool (without Indices), AveragePool and LpPool one thread per output
 * over a three-axis window, and the global pools one workgroup per plane.
 * @module
 */
import type {
  AveragePoolParams,
  GlobalLpPoolParams,
  LpPoolParams,
  MaxPoolParams,
  PoolParams,
} from "../../graph/ops/nn_pool.ts";
import { poolWindows } from "../../graph/ops/nn_pool.ts";
import type { RuntimeTensor } from "../engine/runtime_tensor.ts";
import { window3 } from "../ops/nn_geom.ts";
import { FLAT_INDEX, gridFor, Params } from "./device.ts";
import type { GpuKernel, GpuKernelArgs } from "./kernel.ts";
import { sameFloats, windowRank } from "./nn_support.ts";
import { prelude, wgslFloat } from "./wgsl.ts";

/** How a pool folds its window: WGSL run per tap (`v` the input) and at the end. */
interface Fold {
  init: string;
  tap: string;
  /** The result from `acc` and, for averages, `count`. */
  finish: string;
}

/** f32::MIN, what a max over no taps gives (as the WASM kernels do). */
const LOWEST = "-3.4028234663852886e38";

/** The first of equal maxima wins and a NaN only when it comes first, as on WASM. */
const MAX: Fold = {
  init: `var acc = ${LOWEST}; var seen = false;`,
  tap: "if (!seen || v > acc) { acc = v; seen = true; }",
  finish: "acc",
};
const AVERAGE: Fold = { init: "var acc = 0.0;", tap: "acc += v;", finish: "acc / count" };
const LP: Fold = {
  init: "var acc = 0.0;",
  tap: "acc += power(abs(v), p.p);",
  finish: "power(acc, 1.0 / p.p)",
};

/** WGSL pow for a ≥ 0 that gives 0 at 0 (pow's log2 form leaves 0 undefined). */
const POWER = "fn power(a: f32, e: f32) -> f32 { return select(pow(a, e), 0.0, a == 0.0); }";

/**
 * A windowed pool: thread i takes output i, walks its taps inside the input, and counts
 * taps inside the input, or inside input and explicit pads (`padded`).
 */
function windowedShader(type: string, fold: Fold, padded: boolean): string {
  const counted = padded ? "inPadded" : "inside";
  return `${prelude(type === "f16" ? "f16" : "f32")}
struct P { inp: vec4u, outp: vec4u, kern: vec4u, strides: vec4u, dil: vec4u, pads: vec4u,
  padsEnd: vec4u, count: u32, p: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xs: array<${type}>;
@group(0) @binding(2) var<storage, read_write> ys: array<${type}>;
fn coords(i: u32, d: vec4u) -> vec3i {
  return vec3i(vec3u(i / (d.y * d.z), (i / d.z) % d.y, i % d.z));
}
${POWER}
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = ${FLAT_INDEX};
  if (i >= p.count) { return; }
  let osz = p.outp.x * p.outp.y * p.outp.z;
  let isz = p.inp.x * p.inp.y * p.inp.z;
  let taps = p.kern.x * p.kern.y * p.kern.z;
  let plane = i / osz;
  let origin = coords(i % osz, p.outp) * vec3i(p.strides.xyz) - vec3i(p.pads.xyz);
  let s = vec3i(p.inp.xyz);
  let lo = -vec3i(p.pads.xyz);
  let hi = s + vec3i(p.padsEnd.xyz);
  ${fold.init}
  var inside = 0u;
  var inPadded = 0u;
  for (var t = 0u; t < taps; t++) {
    let q = origin + coords(t, p.kern) * vec3i(p.dil.xyz);
    if (all(q >= lo) && all(q < hi)) { inPadded++; }
    if (any(q < vec3i(0)) || any(q >= s)) { continue; }
    inside++;
    let v = f32(xs[plane * isz + u32((q.x * s.y + q.y) * s.z + q.z)]);
    ${fold.tap}
  }
  let count = f32(${counted});
  ys[i] = ${type}(${fold.finish});
}`;
}

function runWindowed(
  args: GpuKernelArgs<PoolParams>,
  fold: Fold,
  options: { key: string; padded?: boolean; p?: number },
): void {
  const x = args.inputs[0] as RuntimeTensor, y = args.outputs[0];
  const windows = poolWindows(args.params, x.dims);
  const type = wgslFloat(x.dtype, args.gpu.f16)!;
  const pipeline = args.gpu.pipeline(
    `nn:${options.key}:${type}`,
    () => windowedShader(type, fold, options.padded ?? false),
  );
  const params = new Params();
  for (const v of window3(args.node.opType, x.dims.slice(2), windows)) params.u32s([...v, 0]);
  params.u32(y.size).f32(options.p ?? 1);
  args.gpu.dispatch(pipeline, params, [x.gpu, y.gpu], gridFor(y.size));
}

/** A windowed pool over float32 (and float16) X with 1 to 3 spatial axes. */
function windowed<P extends PoolParams>(
  run: (args: GpuKernelArgs<P>) => void,
  extra: (params: P, outputs: number) => boolean = () => true,
): GpuKernel<P> {
  return {
    supports: (q) =>
      sameFloats({ ...q, outputs: q.outputs.slice(0, 1) }) && windowRank(q, [0]) &&
      extra(q.params, q.node.outputs.filter((o) => o !== "").length),
    run,
  };
}

/** Threads of a global pool's workgroup. */
const GLOBAL_WG = 256;

/** One workgroup per plane: strided partial folds, then a tree in workgroup memory. */
function globalShader(type: string, kind: "max" | "avg" | "lp"): string {
  const tap = { max: "max(acc, v)", avg: "acc + v", lp: "acc + power(abs(v), p.p)" }[kind];
  const merge = kind === "max" ? "max(part[t], part[t + s])" : "part[t] + part[t + s]";
  const finish = { max: "part[0]", avg: "part[0] / f32(p.size)", lp: "power(part[0], 1.0 / p.p)" }[
    kind
  ];
  const init = kind === "max" ? `f32(xs[plane * p.size])` : "0.0";
  return `${prelude(type === "f16" ? "f16" : "f32", GLOBAL_WG)}
struct P { planes: u32, size: u32, p: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> xs: array<${type}>;
@group(0) @binding(2) var<storage, read_write> ys: array<${type}>;
var<workgroup> part: array<f32, WG>;
${POWER}
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32,
    @builtin(num_workgroups) groups: vec3u) {
  let plane = wid.x + wid.y * groups.x;
  let live = plane < p.planes;
  var acc = 0.0;
  if (live) {
    acc = ${init};
    for (var i = t; i < p.size; i += WG) { let v = f32(xs[plane * p.size + i]); acc = ${tap}; }
  }
  part[t] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (t < s) { part[t] = ${merge}; }
    workgroupBarrier();
  }
  if (live && t == 0u) { ys[plane] = ${type}(${finish}); }
}`;
}

/** A global pool over float32 (and float16) X of rank 3 or more. */
function globalPool(kind: "max" | "avg" | "lp"): GpuKernel<GlobalLpPoolParams | null> {
  return {
    supports: (q) => sameFloats(q) && (q.inputs[0]?.dims?.length ?? 0) >= 3,
    run(args) {
      const x = args.inputs[0] as RuntimeTensor, y = args.outputs[0];
      const type = wgslFloat(x.dtype, args.gpu.f16)!;
      const pipeline = args.gpu.pipeline(
        `nn:Global:${kind}:${type}`,
        () => globalShader(type, kind),
      );
      const params = new Params().u32(y.size).u32(x.size / y.size).f32(args.params?.p ?? 1);
      args.gpu.dispatch(pipeline, params, [x.gpu, y.gpu], gridFor(y.size, 1));
    },
  };
}

/** Kernels of the pooling ops. */
export const POOL_GPU_KERNELS = {
  // Indices (argmax) stay on WASM: the node is declined when it asks for them.
  MaxPool: windowed<MaxPoolParams>(
    (args) => runWindowed(args, MAX, { key: "MaxPool" }),
    (_, outputs) => outputs === 1,
  ),
  AveragePool: windowed<AveragePoolParams>((args) =>
    runWindowed(args, AVERAGE, {
      key: `AveragePool:${args.params.countIncludePad ? 1 : 0}`,
      padded: args.params.countIncludePad,
    })
  ),
  LpPool: windowed<LpPoolParams>((args) =>
    runWindowed(args, LP, { key: "LpPool", p: args.params.p })
  ),
  GlobalAveragePool: globalPool("avg"),
  GlobalMaxPool: globalPool("max"),
  GlobalLpPool: globalPool("lp"),
};
