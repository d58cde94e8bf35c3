import assert from "node:assert/strict";
import type { DType } from "../../graph/dtype.ts";
import { model, node, oneNode } from "../engine/_test_models.ts";
import type { Attribute, HostTensor } from "../../graph/ir.ts";
import { NN_OPS } from "../../graph/ops/nn.ts";
import { Tensor } from "../../graph/tensor.ts";
import { loadKernels } from "../../kernels/mod.ts";
import { runSuite } from "../../tests/conformance/run_suite.ts";
import { InferenceSession } from "../session.ts";

/** A deterministic uniform [-1, 1) source. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  };
}

function floats(n: number, rnd: () => number): Float32Array {
  return Float32Array.from({ length: n }, rnd);
}

/** Runs a one-node model of `opType` on `feeds` (named x0, x1, ...; undefined: absent). */
async function runNode(
  opType: string,
  attrs: Record<string, Attribute>,
  feeds: (Tensor | undefined)[],
  opset = 19,
): Promise<Tensor> {
  const { bytes, feeds: fed } = oneNode(opType, attrs, feeds, opset);
  const session = await InferenceSession.create(bytes);
  const { y } = await session.run(fed);
  session.release();
  return y;
}

const ints = (value: number[]): Attribute => ({ kind: "ints", value });
const int = (value: number): Attribute => ({ kind: "int", value });
const float = (value: number): Attribute => ({ kind: "float", value });

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(
      d <= tol * (1 + Math.abs(expected[i])),
      `element ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** C = A (m×k, strides ars/acs) · B (k×n, strides brs/bcs), in doubles. */
function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  [m, k, n]: number[],
  [ars, acs, brs, bcs] = [k, 1, n, 1],
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * ars + p * acs] * b[p * brs + j * bcs];
      c[i * n + j] = s;
    }
  }
  return c;
}

Deno.test("nn ops pass every ONNX node test that ONNX Runtime passes", async () => {
  const ours = new Set(NN_OPS.map((s) => s.opType));
  const filter =
    /test_(matmul|gemm|conv|convtranspose|maxpool|averagepool|globalaveragepool|globalmaxpool|lppool|batchnorm|instancenorm|lpnorm|basic_conv|conv_with)/;
  const results = (await runSuite(filter)).filter((r) => r.entry.ops.every((op) => ours.has(op)));
  assert.ok(results.length > 60);
  const failing = results.filter((r) => r.entry.ort === "pass" && r.status !== "pass");
  assert.deepEqual(failing.map((r) => `${r.entry.name}: ${r.detail}`), []);
});

Deno.test("MatMul's packed GEMM matches a reference on odd and blocked sizes", async () => {
  const rnd = random(7);
  const sizes = [[1, 1, 1], [7, 13, 5], [67, 129, 33], [131, 300, 1030], [3, 0, 4]];
  // One row (no packing), and few columns (A read in place), past one k block too.
  sizes.push([1, 37, 21], [1, 300, 70], [5, 33, 3], [9, 300, 16], [9, 300, 4], [6, 20, 1]);
  for (const [m, k, n] of sizes) {
    const a = floats(m * k, rnd), b = floats(k * n, rnd);
    const y = await runNode("MatMul", {}, [
      new Tensor("float32", a, [m, k]),
      new Tensor("float32", b, [k, n]),
    ]);
    assert.deepEqual(y.dims, [m, n]);
    assertClose(y.data as Float32Array, matmulRef(a, b, [m, k, n]));
  }
});

Deno.test("MatMul broadcasts batch dims and promotes 1-D operands", async () => {
  const rnd = random(8);
  const a = floats(2 * 1 * 3 * 4, rnd), b = floats(5 * 4 * 2, rnd);
  const y = await runNode("MatMul", {}, [
    new Tensor("float32", a, [2, 1, 3, 4]),
    new Tensor("float32", b, [5, 4, 2]),
  ]);
  assert.deepEqual(y.dims, [2, 5, 3, 2]);
  const expected = [0, 1].flatMap((i) =>
    [0, 1, 2, 3, 4].flatMap((j) => [...matmulRef(a.subarray(i * 12), b.subarray(j * 8), [3, 4, 2])])
  );
  assertClose(y.data as Float32Array, expected);
  const v = await runNode("MatMul", {}, [
    new Tensor("float32", a.slice(0, 4), [4]),
    new Tensor("float32", b.slice(0, 8), [4, 2]),
  ]);
  assert.deepEqual(v.dims, [2]);
  assertClose(v.data as Float32Array, matmulRef(a, b, [1, 4, 2]));
});

Deno.test("MatMul on integers wraps and on float64 stays exact", async () => {
  const big = 2 ** 30;
  const i32 = await runNode("MatMul", {}, [
    new Tensor("int32", [big, 3], [1, 2]),
    new Tensor("int32", [4, 5], [2, 1]),
  ]);
  assert.deepEqual([...i32.data as Int32Array], [(big * 4 + 15) | 0]);
  const i64 = await runNode("MatMul", {}, [
    new Tensor("int64", [2n ** 40n, 3n], [1, 2]),
    new Tensor("int64", [5n, 7n], [2, 1]),
  ]);
  assert.deepEqual([...i64.data as BigInt64Array], [5n * 2n ** 40n + 21n]);
  const f64 = await runNode("MatMul", {}, [
    new Tensor("float64", [1 + 2 ** -40, 1], [1, 2]),
    new Tensor("float64", [1, 1], [2, 1]),
  ]);
  assert.deepEqual([...f64.data as Float64Array], [2 + 2 ** -40]);
});

Deno.test("Gemm applies transposes, alpha, beta and a broadcast C", async () => {
  const rnd = random(9);
  const [m, k, n] = [9, 70, 300];
  const a = floats(m * k, rnd), b = floats(k * n, rnd);
  for (
    const [cDims, cs] of [[[n], [0, 1]], [[m, 1], [1, 0]], [[], [0, 0]], [[m, n], [n, 1]]] as const
  ) {
    const c = floats(Math.max(1, cDims.reduce((x, y) => x * y, 1)), rnd);
    const attrs = { transA: int(1), transB: int(1), alpha: float(0.5), beta: float(-2) };
    const feeds = [
      new Tensor("float32", a, [k, m]),
      new Tensor("float32", b, [n, k]),
      new Tensor("float32", c, cDims),
    ];
    const y = await runNode("Gemm", attrs, feeds, 13);
    const ab = matmulRef(a, b, [m, k, n], [1, m, 1, k]);
    const expected = ab.map((v, i) => 0.5 * v - 2 * c[Math.floor(i / n) * cs[0] + (i % n) * cs[1]]);
    assertClose(y.data as Float32Array, expected);
  }
});

Deno.test("Gemm of one row or of few columns reads B in either layout directly", async () => {
  for (const [m, k, n] of [[1, 70, 19], [5, 70, 3], [6, 9, 4]]) await gemmBothLayouts(m, k, n);
});

async function gemmBothLayouts(m: number, k: number, n: number): Promise<void> {
  const rnd = random(13);
  const a = floats(m * k, rnd), b = floats(k * n, rnd), c = floats(n, rnd);
  for (const transB of [0, 1]) {
    const feeds = [
      new Tensor("float32", a, [m, k]),
      new Tensor("float32", b, transB ? [n, k] : [k, n]),
      new Tensor("float32", c, [n]),
    ];
    const y = await runNode("Gemm", { transB: int(transB) }, feeds, 13);
    const ab = matmulRef(a, b, [m, k, n], transB ? [k, 1, 1, k] : undefined);
    assertClose(y.data as Float32Array, ab.map((v, i) => v + c[i % n]));
  }
}

interface Conv2d {
  x: number[];
  w: number[];
  group: number;
  strides: number[];
  dilations: number[];
  pads: number[];
}

/** Direct 2-D convolution with bias, in doubles. */
function convRef(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  c: Conv2d,
): [Float64Array, number[]] {
  const [n, ci, h, wd] = c.x, [co, cg, kh, kw] = c.w;
  const span = (k: number, d: number) => (k - 1) * d + 1;
  const oh = Math.floor((h + c.pads[0] + c.pads[2] - span(kh, c.dilations[0])) / c.strides[0]) + 1;
  const ow = Math.floor((wd + c.pads[1] + c.pads[3] - span(kw, c.dilations[1])) / c.strides[1]) + 1;
  const y = new Float64Array(n * co * oh * ow);
  const og = co / c.group;
  for (let b = 0, o = 0; b < n; b++) {
    for (let m = 0; m < co; m++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++, o++) {
          let s = bias[m];
          for (let q = 0; q < cg; q++) {
            const plane = (b * ci + Math.floor(m / og) * cg + q) * h;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * c.strides[0] - c.pads[0] + ky * c.dilations[0];
              for (let kx = 0; kx < kw && iy >= 0 && iy < h; kx++) {
                const ix = ox * c.strides[1] - c.pads[1] + kx * c.dilations[1];
                if (ix >= 0 && ix < wd) {
                  s += x[(plane + iy) * wd + ix] * w[((m * cg + q) * kh + ky) * kw + kx];
                }
              }
            }
          }
          y[o] = s;
        }
      }
    }
  }
  return [y, [n, co, oh, ow]];
}

Deno.test("Conv matches a direct reference on its GEMM, in-place, padded-copy, depthwise and Winograd paths", async () => {
  const rnd = random(10);
  // x, w, group, strides, dilations, pads
  const cases: Conv2d[] = ([
    [[1, 5, 19, 23], [7, 5, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]],
    [[2, 4, 17, 30], [6, 2, 3, 2], 2, [2, 1], [2, 1], [0, 2, 1, 0]],
    [[1, 6, 21, 40], [6, 1, 3, 3], 6, [1, 1], [1, 1], [1, 1, 1, 1]],
    [[1, 6, 21, 41], [6, 1, 5, 5], 6, [2, 2], [1, 1], [2, 2, 2, 2]],
    [[1, 3, 20, 37], [3, 1, 3, 3], 3, [1, 3], [2, 2], [2, 1, 0, 3]],
    [[1, 3, 20, 37], [3, 1, 3, 3], 3, [1, 3], [1, 1], [1, 1, 1, 1]],
    [[1, 3, 20, 37], [3, 1, 7, 7], 3, [1, 2], [1, 1], [3, 3, 3, 3]],
    // Depthwise on images a few rows high: the padding rows are not multiplied.
    [[1, 8, 2, 20], [8, 1, 5, 5], 8, [1, 1], [1, 1], [2, 2, 2, 2]],
    [[1, 8, 3, 21], [8, 1, 5, 5], 8, [2, 1], [1, 1], [2, 2, 2, 2]],
    [[1, 4, 5, 9], [4, 1, 3, 3], 4, [1, 1], [2, 1], [2, 1, 1, 1]],
    [[1, 16, 9, 11], [200, 16, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    // Few output pixels: the weights are read in place.
    [[1, 10, 1, 6], [13, 10, 1, 3], 1, [1, 1], [1, 1], [0, 1, 0, 1]],
    // At most four output pixels: dot products, against the image itself or its columns.
    [[1, 16, 1, 1], [12, 16, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    [[1, 8, 2, 2], [10, 8, 1, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    [[1, 6, 1, 5], [9, 6, 1, 3], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    [[1, 5, 1, 8], [7, 5, 1, 3], 1, [1, 2], [1, 1], [0, 1, 0, 1]],
    // 3×3 stride 1: Winograd, with odd sizes, uneven pads, a second image, many tiles.
    [[1, 9, 11, 21], [10, 9, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]],
    [[2, 8, 7, 13], [8, 8, 3, 3], 1, [1, 1], [1, 1], [0, 2, 1, 0]],
    [[1, 8, 5, 150], [9, 8, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]],
    // More input channels than one GEMM depth block; rows of three tiles.
    [[1, 260, 6, 9], [10, 260, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]],
    // Narrow padded images, copied into a zero border first: panels in place or spanning
    // output rows, rows of four (vector copies) or six, dilated.
    [[1, 12, 9, 16], [20, 12, 1, 3], 1, [1, 1], [1, 1], [0, 1, 0, 1]],
    [[1, 10, 7, 4], [40, 10, 3, 3], 1, [1, 1], [1, 1], [1, 1, 1, 1]],
    [[1, 7, 8, 6], [9, 7, 2, 3], 1, [1, 1], [2, 1], [1, 2, 1, 0]],
    // Unpadded panels spanning output rows; a GEMM deeper than one block, its bias
    // started in the sums of the first.
    [[1, 20, 14, 4], [36, 20, 3, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    [[1, 100, 5, 7], [13, 100, 3, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    // Over 32 output channels: panels that could be read in place are copied row by row,
    // straight from the image and from its zero-bordered copy.
    [[1, 6, 5, 19], [40, 6, 3, 1], 1, [1, 1], [1, 1], [0, 0, 0, 0]],
    [[1, 8, 4, 16], [36, 8, 1, 3], 1, [1, 1], [1, 1], [0, 1, 0, 1]],
  ] as const).map(([x, w, group, strides, dilations, pads]) => ({
    x: [...x],
    w: [...w],
    group,
    strides: [...strides],
    dilations: [...dilations],
    pads: [...pads],
  }));
  for (const c of cases) {
    const count = (d: number[]) => d.reduce((a, b) => a * b, 1);
    const x = floats(count(c.x), rnd), w = floats(count(c.w), rnd), b = floats(c.w[0], rnd);
    const attrs = {
      group: int(c.group),
      strides: ints(c.strides),
      dilations: ints(c.dilations),
      pads: ints(c.pads),
    };
    const feeds = [
      new Tensor("float32", x, c.x),
      new Tensor("float32", w, c.w),
      new Tensor("float32", b, [c.w[0]]),
    ];
    const y = await runNode("Conv", attrs, feeds);
    const [expected, dims] = convRef(x, w, b, c);
    assert.deepEqual(y.dims, dims);
    // Rounding grows with the terms summed, not with the result: long sums near zero get
    // a tolerance on the output's scale.
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assertClose(y.data as Float32Array, expected, Math.max(1e-4, 1e-5 * scale));
  }
});

Deno.test("Conv computes float16 inputs through float32", async () => {
  const rnd = random(11);
  const x = floats(2 * 8 * 8, rnd), w = floats(3 * 2 * 3 * 3, rnd);
  const attrs = { pads: ints([1, 1, 1, 1]) };
  const f32 = await runNode("Conv", attrs, [
    new Tensor("float32", x, [1, 2, 8, 8]),
    new Tensor("float32", w, [3, 2, 3, 3]),
  ]);
  const half = (t: Float32Array) => new Uint16Array(Float16Array.from(t).buffer);
  const f16 = await runNode("Conv", attrs, [
    new Tensor("float16", half(x), [1, 2, 8, 8]),
    new Tensor("float16", half(w), [3, 2, 3, 3]),
  ]);
  assert.equal(f16.type, "float16" satisfies DType);
  const widened = new Float16Array((f16.data as Uint16Array).buffer);
  assertClose(Array.from(widened), f32.data as Float32Array, 1e-2);
});

Deno.test("gemm_f32's epilogue applies each activation as its ONNX op defines it", async () => {
  const k = await loadKernels();
  const [m, n, depth] = [5, 11, 3];
  const at = (i: number) => ((k.heapBase + 63) & ~63) + i * 4096;
  const rnd = random(12);
  const a = floats(m * depth, () => 4 * rnd()), b = floats(depth * n, rnd);
  const f32 = () => new Float32Array(k.memory.buffer);
  f32().set(a, at(0) / 4);
  f32().set(b, at(1) / 4);
  new Int32Array(k.memory.buffer, at(2), 12).set([m, depth, n, depth, 1, n, 1, 0, 0, n, 0, 0]);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const acts: [number, number, number, (v: number) => number][] = [
    [1, 0, 0, (v) => Math.max(v, 0)],
    [2, -0.5, 1.5, (v) => Math.min(Math.max(v, -0.5), 1.5)],
    [3, 0, 0, sigmoid],
    [4, 0.3, 0.4, (v) => Math.min(Math.max(0.3 * v + 0.4, 0), 1)],
    [5, 0.1, 0, (v) => (v >= 0 ? v : 0.1 * v)],
    [6, 0, 0, (v) => v * Math.min(Math.max(v / 6 + 0.5, 0), 1)],
    [7, 0, 0, Math.tanh],
    [8, 1.5, -0.25, (v) => 1.5 * v * Math.min(Math.max(v / 6 + 0.5, 0), 1) - 0.25],
  ];
  const plain = matmulRef(a, b, [m, depth, n]);
  for (const [code, p0, p1, f] of acts) {
    k.call(
      "gemm_f32",
      at(2),
      12,
      at(0),
      m * depth,
      at(1),
      depth * n,
      0,
      0,
      at(3),
      m * n,
      1,
      1,
      code,
      p0,
      p1,
      at(4),
      1024,
    );
    assertClose(f32().subarray(at(3) / 4, at(3) / 4 + m * n), plain.map(f), 1e-5);
  }
});

Deno.test("MaxPool of whole 2×2 windows matches the first-greatest rule, NaN included", async () => {
  const rnd = random(14);
  const [h, w] = [4, 22];
  const x = floats(3 * h * w, rnd).map((v, i) => (i % 7 === 0 ? NaN : i % 5 === 0 ? 0.5 : v));
  const attrs = { kernel_shape: ints([2, 2]), strides: ints([2, 2]) };
  const y = await runNode("MaxPool", attrs, [new Tensor("float32", x, [1, 3, h, w])]);
  const expected: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let oy = 0; oy < h / 2; oy++) {
      for (let ox = 0; ox < w / 2; ox++) {
        let best: number | undefined;
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
          const v = x[(c * h + 2 * oy + dy) * w + 2 * ox + dx];
          if (best === undefined || v > best) best = v;
        }
        expected.push(best!);
      }
    }
  }
  assert.deepEqual(Array.from(y.data as Float32Array), Array.from(Float32Array.from(expected)));
});

Deno.test("ConvTranspose matches a direct scatter, over several blocks of input rows", async () => {
  const rnd = random(12);
  // x dims, w dims, group, strides, pads (begin = end); the first two run in blocks.
  const cases: [number[], number[], number, number[], number[]][] = [
    [[1, 4, 20, 100], [4, 8, 3, 3], 1, [2, 2], [1, 1]],
    [[1, 4, 30, 900], [4, 3, 2, 2], 2, [2, 2], [0, 0]],
    [[2, 3, 5, 7], [3, 2, 3, 2], 1, [1, 2], [1, 0]],
  ];
  for (const [xd, wd, group, strides, pads] of cases) {
    const count = (d: number[]) => d.reduce((a, b) => a * b, 1);
    const x = floats(count(xd), rnd), w = floats(count(wd), rnd), b = floats(wd[1] * group, rnd);
    const [n, cin, ih, iw] = xd, [, coutG, kh, kw] = wd, cinG = cin / group;
    const cout = coutG * group;
    const [oh, ow] = [
      (ih - 1) * strides[0] - 2 * pads[0] + kh,
      (iw - 1) * strides[1] - 2 * pads[1] + kw,
    ];
    const expected = new Float64Array(n * cout * oh * ow);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < cout; c++) {
        expected.fill(b[c], (i * cout + c) * oh * ow, (i * cout + c + 1) * oh * ow);
      }
      for (let ci = 0; ci < cin; ci++) {
        const g = Math.floor(ci / cinG);
        for (let co = 0; co < coutG; co++) {
          for (let iy = 0; iy < ih; iy++) {
            for (let ix = 0; ix < iw; ix++) {
              const v = x[((i * cin + ci) * ih + iy) * iw + ix];
              for (let ky = 0; ky < kh; ky++) {
                const oy = iy * strides[0] - pads[0] + ky;
                if (oy < 0 || oy >= oh) continue;
                for (let kx = 0; kx < kw; kx++) {
                  const ox = ix * strides[1] - pads[1] + kx;
                  if (ox < 0 || ox >= ow) continue;
                  const wv = w[((ci * coutG + co) * kh + ky) * kw + kx];
                  expected[((i * cout + g * coutG + co) * oh + oy) * ow + ox] += v * wv;
                }
              }
            }
          }
        }
      }
    }
    const attrs = { group: int(group), strides: ints(strides), pads: ints([...pads, ...pads]) };
    const y = await runNode("ConvTranspose", attrs, [
      new Tensor("float32", x, xd),
      new Tensor("float32", w, wd),
      new Tensor("float32", b, [cout]),
    ]);
    assert.deepEqual(y.dims, [n, cout, oh, ow]);
    assertClose(y.data as Float32Array, expected);
  }
});

Deno.test("MatMul and Gemm pack a constant B once and match a reference run after run", async () => {
  const rnd = random(12);
  // K past one block with a ragged last panel; the narrow path; more rows than it takes;
  // on threads, B wider than A is tall splits by columns (ragged last band, bias bands).
  const cases: [number, number, number, boolean][] = [
    [9, 300, 21, false],
    [40, 120, 70, false],
    [130, 50, 33, false],
    [16, 70, 24, true],
    [12, 64, 603, true],
  ];
  for (const [m, k, n, gemm] of cases) {
    const w = floats(k * n, rnd), bias = floats(n, rnd);
    const nodes = gemm
      ? [node("Gemm", ["x", "w", "c"], ["y"], { transB: int(1), alpha: float(0.5) })]
      : [node("MatMul", ["x", "w"], ["y"])];
    const initializers = new Map<string, HostTensor>([
      ["w", { dtype: "float32", dims: gemm ? [n, k] : [k, n], data: w }],
      ["c", { dtype: "float32", dims: [n], data: bias }],
    ]);
    const bytes = model({
      name: "g",
      nodes,
      inputs: [{ name: "x", dtype: "float32", dims: [m, k] }],
      outputs: [{ name: "y", dtype: "float32" }],
      initializers: gemm ? initializers : new Map([["w", initializers.get("w")!]]),
      valueInfo: new Map(),
    }, 13);
    for (const threads of [1, 2]) {
      const session = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
      for (let run = 0; run < 3; run++) {
        const x = floats(m * k, rnd);
        const { y } = await session.run({ x: new Tensor("float32", x, [m, k]) });
        const ab = matmulRef(x, w, [m, k, n], gemm ? [k, 1, 1, k] : [k, 1, n, 1]);
        const expected = gemm ? ab.map((v, i) => 0.5 * v + bias[i % n]) : ab;
        assertClose(y.data as Float32Array, expected);
      }
      session.release();
    }
  }
});
