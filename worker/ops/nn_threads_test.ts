import assert from "node:assert/strict";
import type { Attribute } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { oneNode } from "../engine/_test_models.ts";

/** A deterministic uniform [-1, 1) tensor. */
function randomTensor(dims: number[], seed: number): Tensor {
  let s = seed;
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
  return new Tensor("float32", data, dims);
}

/** Runs a one-node model on `threads` threads and returns y. */
async function runOn(
  threads: number,
  { bytes, feeds }: ReturnType<typeof oneNode>,
): Promise<Tensor> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
  try {
    return (await session.run(feeds)).y;
  } finally {
    session.release();
  }
}

/** Asserts the op gives the same y on 2 and 3 threads as on one. */
async function assertSameOnThreads(
  opType: string,
  attrs: Record<string, Attribute>,
  inputs: Tensor[],
): Promise<void> {
  const model = oneNode(opType, attrs, inputs);
  const one = await runOn(1, model);
  for (const threads of [2, 3]) {
    const many = await runOn(threads, model);
    assert.deepEqual(many.dims, one.dims);
    const [a, b] = [many.data as Float32Array, one.data as Float32Array];
    for (let i = 0; i < b.length; i++) {
      assert.ok(
        Math.abs(a[i] - b[i]) <= 1e-5 * (1 + Math.abs(b[i])),
        `${threads} threads, element ${i}: ${a[i]} vs ${b[i]}`,
      );
    }
  }
}

const ints = (...v: number[]): Attribute => ({ kind: "ints", value: v });
const int = (v: number): Attribute => ({ kind: "int", value: v });

Deno.test("Conv split over output rows matches one thread: Winograd, im2col, padded-copy and 1×1 paths", async () => {
  // 3×3 stride 1 (Winograd, rows in whole tiles), 5×5 (packed patches, any rows), 1×3 on
  // a narrow image (a zero-bordered copy), 1×1 (the image itself), each with a row count
  // that leaves a ragged last part.
  await assertSameOnThreads("Conv", { pads: ints(1, 1, 1, 1) }, [
    randomTensor([1, 16, 26, 24], 1),
    randomTensor([42, 16, 3, 3], 2),
    randomTensor([42], 3),
  ]);
  await assertSameOnThreads("Conv", { pads: ints(2, 1, 2, 1), strides: ints(1, 2) }, [
    randomTensor([1, 12, 30, 27], 11),
    randomTensor([20, 12, 5, 3], 12),
  ]);
  // A narrow padded image: each part copies the rows it reads into a zero border.
  await assertSameOnThreads("Conv", { pads: ints(0, 1, 0, 1) }, [
    randomTensor([1, 24, 30, 16], 16),
    randomTensor([24, 24, 1, 3], 17),
    randomTensor([24], 18),
  ]);
  // 1×1 over three image rows: split as rows of eight pixels instead.
  await assertSameOnThreads("Conv", {}, [
    randomTensor([1, 64, 3, 40], 19),
    randomTensor([48, 64, 1, 1], 20),
    randomTensor([48], 21),
  ]);
  await assertSameOnThreads("Conv", {}, [
    randomTensor([1, 32, 19, 21], 13),
    randomTensor([24, 32, 1, 1], 14),
    randomTensor([24], 15),
  ]);
});

Deno.test("Conv split over output channels matches one thread, bias and ragged tail included", () =>
  assertSameOnThreads("Conv", { pads: ints(1, 1, 1, 1) }, [
    randomTensor([1, 16, 6, 40], 16),
    randomTensor([42, 16, 3, 3], 17),
    randomTensor([42], 18),
  ]));

Deno.test("Conv split over groups matches one thread", () =>
  assertSameOnThreads("Conv", { group: int(4), strides: ints(2, 2) }, [
    randomTensor([1, 32, 33, 31], 4),
    randomTensor([64, 8, 3, 3], 5),
  ]));

Deno.test("depthwise Conv split over channels matches one thread", () =>
  assertSameOnThreads("Conv", { group: int(48), pads: ints(2, 2, 2, 2) }, [
    randomTensor([1, 48, 40, 40], 6),
    randomTensor([48, 1, 5, 5], 7),
    randomTensor([48], 8),
  ]));

Deno.test("Conv split over images matches one thread", () =>
  assertSameOnThreads("Conv", {}, [
    randomTensor([3, 8, 20, 20], 9),
    randomTensor([16, 8, 3, 3], 10),
  ]));

Deno.test("Gemm split over rows matches one thread, with transA and a full C", () =>
  assertSameOnThreads("Gemm", { transA: int(1) }, [
    randomTensor([96, 102], 11),
    randomTensor([96, 80], 12),
    randomTensor([102, 80], 13),
  ]));

Deno.test("Gemm split over columns matches one thread, with a transposed B and a row-vector C", () =>
  assertSameOnThreads("Gemm", { transB: int(1) }, [
    randomTensor([70, 64], 14),
    randomTensor([90, 64], 15),
    randomTensor([90], 16),
  ]));

Deno.test("batched MatMul split over batches matches one thread", () =>
  assertSameOnThreads("MatMul", {}, [
    randomTensor([3, 40, 64], 17),
    randomTensor([3, 64, 48], 18),
  ]));

Deno.test("MatMul with a shared B split over folded rows matches one thread", () =>
  assertSameOnThreads("MatMul", {}, [randomTensor([2, 50, 96], 19), randomTensor([96, 72], 20)]));

Deno.test("InferenceSession.create rejects an intraOpNumThreads below 1", async () => {
  await assert.rejects(
    () =>
      InferenceSession.create(oneNode("Relu", {}, [randomTensor([2], 0)]).bytes, {
        intraOpNumThreads: 0,
      }),
    TypeError,
  );
});

Deno.test("elementwise ops split over threads match one thread: broadcast Add and Mul, Sigmoid", async () => {
  const x = randomTensor([1, 24, 64, 80], 20);
  await assertSameOnThreads("Add", {}, [x, randomTensor([1, 24, 64, 80], 21)]);
  await assertSameOnThreads("Mul", {}, [x, randomTensor([1, 24, 1, 1], 22)]);
  await assertSameOnThreads("Add", {}, [
    randomTensor([3, 1, 80], 23),
    randomTensor([1, 900, 80], 24),
  ]);
  await assertSameOnThreads("Sigmoid", {}, [x]);
});

Deno.test("Softmax and LogSoftmax split over rows match one thread, last and inner axes", async () => {
  // 41 rows of 700 over the last axis; 7 blocks of 50×120 over axis 1 (a scratch row of
  // maxima and sums per part).
  const rows = randomTensor([41, 700], 30), blocks = randomTensor([7, 50, 120], 31);
  await assertSameOnThreads("Softmax", {}, [rows]);
  await assertSameOnThreads("LogSoftmax", {}, [rows]);
  await assertSameOnThreads("Softmax", { axis: int(1) }, [blocks]);
});

Deno.test("ConvTranspose split over output channels matches one thread, overlapping windows", () =>
  assertSameOnThreads("ConvTranspose", { strides: ints(2, 2), pads: ints(1, 1, 1, 1) }, [
    randomTensor([1, 8, 40, 36], 25),
    randomTensor([8, 22, 3, 3], 26),
    randomTensor([22], 27),
  ]));

Deno.test("a Conv split over threads replays its split calls on new data of the same shapes", async () => {
  const w = randomTensor([42, 16, 3, 3], 31);
  const first = oneNode("Conv", { pads: ints(1, 1, 1, 1) }, [randomTensor([1, 16, 26, 24], 32), w]);
  const second = { ...first, feeds: { ...first.feeds, x0: randomTensor([1, 16, 26, 24], 33) } };
  const session = await InferenceSession.create(first.bytes, { intraOpNumThreads: 2 });
  try {
    for (let i = 0; i < 3; i++) await session.run(first.feeds);
    const replayed = (await session.run(second.feeds)).y.data as Float32Array;
    const expected = (await runOn(1, second)).data as Float32Array;
    for (let i = 0; i < expected.length; i++) {
      assert.ok(
        Math.abs(replayed[i] - expected[i]) <= 1e-5 * (1 + Math.abs(expected[i])),
        `element ${i}: ${replayed[i]} vs ${expected[i]}`,
      );
    }
  } finally {
    session.release();
  }
});
