import assert from "node:assert/strict";
import { batchReluModel, makeRepository, postJson, serveForTest } from "./serve_helpers.ts";

Deno.test("serve: concurrent requests merge into batches and each gets exactly its own rows back", async () => {
  const dir = await makeRepository({
    "relun/1/model.onnx": batchReluModel(),
    "relun/1/config.json": {
      max_batch_size: 8,
      dynamic_batching: { max_queue_delay_microseconds: 20_000 },
    },
  });
  await using server = await serveForTest({ modelsDir: dir });
  const rows = (i: number) => Array.from({ length: 1 + (i % 3) }, (_, r) => [i, -i, r]);
  const replies = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
    const data = rows(i);
    const res = await postJson(`${server.url}/v2/models/relun/infer`, {
      inputs: [{ name: "x", shape: [data.length, 3], datatype: "FP32", data }],
    });
    return { i, body: await res.json() };
  }));
  for (const { i, body } of replies) {
    const want = rows(i).map((r) => r.map((v) => Math.max(0, v)));
    assert.deepEqual(body.outputs[0].shape, [want.length, 3]);
    assert.deepEqual(body.outputs[0].data, want.flat());
  }
  const stats = (await (await fetch(`${server.url}/v2/models/relun/stats`)).json()).model_stats[0];
  assert.equal(stats.inference_count, 16);
  assert.ok(stats.execution_count < 16, `16 requests ran in ${stats.execution_count} executions`);
  assert.ok(stats.batch_stats.some((b: { batch_size: number }) => b.batch_size > 3));
});
