import assert from "node:assert/strict";
import { Tensor } from "../../graph/tensor.ts";
import { Batcher, type BatchPolicy } from "./batcher.ts";

type Feeds = Record<string, Tensor>;

/** A batcher over a model that doubles `x`, recording the rows of each execution. */
function doubler(policy: Partial<BatchPolicy> = {}, fail = false) {
  const sizes: number[] = [];
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  const run = async (f: Feeds, rows: number): Promise<Feeds> => {
    sizes.push(rows);
    await gate;
    if (fail) throw new Error("Cannot run: the model failed");
    const x = f.x.data as Float32Array;
    return { y: new Tensor("float32", x.map((v) => 2 * v), f.x.dims) };
  };
  const batcher = new Batcher(run, {
    maxBatch: 8,
    delayMs: 10_000,
    preferred: [],
    slots: () => 1,
    ...policy,
  });
  return { batcher, sizes, release };
}

const rows = (...values: number[][]) =>
  new Tensor("float32", values.flat(), [values.length, values[0].length]);

Deno.test("Batcher runs a request at once while a slot is free, however long the delay", async () => {
  const { batcher, sizes, release } = doubler();
  release();
  const { y } = await batcher.submit({ x: rows([1, 2]) });
  assert.deepEqual([...y.data], [2, 4]);
  assert.deepEqual(sizes, [1]);
});

Deno.test("Batcher gathers requests while the slot is busy and splits the outputs back by rows", async () => {
  const { batcher, sizes, release } = doubler();
  const first = batcher.submit({ x: rows([0, 0]) });
  const a = batcher.submit({ x: rows([1, 2], [3, 4]) });
  const b = batcher.submit({ x: rows([5, 6]) });
  release();
  await first;
  assert.deepEqual([...(await a).y.data], [2, 4, 6, 8]);
  assert.deepEqual((await b).y.dims, [1, 2]);
  assert.deepEqual([...(await b).y.data], [10, 12]);
  assert.deepEqual(sizes, [1, 3]);
});

Deno.test("Batcher starts a batch that reaches max_batch_size or a preferred size", async () => {
  const { batcher, sizes, release } = doubler({ maxBatch: 4, preferred: [2] });
  const pending = [batcher.submit({ x: rows([0, 0]) })];
  for (let i = 0; i < 2; i++) pending.push(batcher.submit({ x: rows([i, i]) }));
  pending.push(batcher.submit({ x: rows([1, 1], [1, 1], [1, 1], [1, 1]) }));
  assert.deepEqual(sizes, [1, 2, 4]);
  release();
  await Promise.all(pending);
});

Deno.test("Batcher keeps requests of other trailing dims or mismatched inputs apart", async () => {
  const { batcher, sizes, release } = doubler();
  const pending = [batcher.submit({ x: rows([0, 0]) })];
  pending.push(batcher.submit({ x: rows([1, 2]) }));
  pending.push(batcher.submit({ x: rows([1, 2, 3]) }));
  // Inputs that disagree on dim 0 cannot be split back by rows: that request runs alone.
  pending.push(batcher.submit({ x: rows([1, 2]), z: rows([1], [2]) }));
  release();
  await Promise.all(pending);
  assert.deepEqual(sizes.sort((a, b) => a - b), [1, 1, 1, 1]);
});

Deno.test("Batcher fails every request of a batch whose execution fails", async () => {
  const { batcher, release } = doubler({}, true);
  const all = [batcher.submit({ x: rows([0, 0]) }), batcher.submit({ x: rows([1, 2]) })];
  release();
  for (const p of all) await assert.rejects(p, /model failed/);
});
