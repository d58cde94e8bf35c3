import assert from "node:assert/strict";
import { batchReluModel, makeRepository, postJson, serveForTest } from "./serve_helpers.ts";

const RELU = await Deno.readFile(new URL("./data/relu.onnx", import.meta.url));
const relu = (data: unknown, extra: object = {}) => ({
  inputs: [{ name: "x", shape: [2], datatype: "FP32", data, ...extra }],
});

Deno.test("serve: the V2 protocol's server, model, infer, stats and repository routes work over HTTP", async (t) => {
  const dir = await makeRepository({
    "relu/1/model.onnx": RELU,
    "relu/2/model.onnx": RELU,
    // Its dim 0 is fixed: no batching, whatever the config asks.
    "relu/1/config.json": { max_batch_size: 4 },
    "relun/1/model.onnx": batchReluModel(),
    "relun/1/config.json": {
      max_batch_size: 8,
      dynamic_batching: { max_queue_delay_microseconds: 2000 },
    },
  });
  await using server = await serveForTest({ modelsDir: dir });
  const url = server.url;

  await t.step("server metadata and health", async () => {
    const meta = await (await fetch(`${url}/v2`)).json();
    assert.equal(meta.name, "meshrt");
    assert.ok(meta.extensions.includes("binary_tensor_data"));
    assert.equal((await fetch(`${url}/v2/health/live`)).status, 200);
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
  });

  await t.step("model metadata, latest and by version, with -1 for dynamic dims", async () => {
    const meta = await (await fetch(`${url}/v2/models/relu`)).json();
    assert.deepEqual(meta.versions, ["2"]);
    assert.deepEqual(meta.inputs, [{ name: "x", datatype: "FP32", shape: [2] }]);
    const v1 = await (await fetch(`${url}/v2/models/relu/versions/1`)).json();
    assert.deepEqual(v1.versions, ["1"]);
    const n = await (await fetch(`${url}/v2/models/relun`)).json();
    assert.deepEqual(n.outputs, [{ name: "y", datatype: "FP32", shape: [-1, 3] }]);
    assert.equal((await fetch(`${url}/v2/models/relu/ready`)).status, 200);
    assert.equal((await fetch(`${url}/v2/models/relu/versions/1/ready`)).status, 200);
  });

  await t.step(
    "model configuration in Triton's shape, batch dim left out when batching",
    async () => {
      const n = await (await fetch(`${url}/v2/models/relun/config`)).json();
      assert.equal(n.max_batch_size, 8);
      assert.deepEqual(n.input, [{ name: "x", data_type: "TYPE_FP32", dims: [3] }]);
      assert.equal(n.dynamic_batching.max_queue_delay_microseconds, 2000);
      const fixed = await (await fetch(`${url}/v2/models/relu/versions/1/config`)).json();
      assert.equal(fixed.max_batch_size, 0);
      assert.deepEqual(fixed.output, [{ name: "y", data_type: "TYPE_FP32", dims: [2] }]);
      assert.equal(fixed.dynamic_batching, undefined);
    },
  );

  await t.step("infer with flat and nested JSON data", async () => {
    const flat =
      await (await postJson(`${url}/v2/models/relu/infer`, { id: "r1", ...relu([-1, 2]) })).json();
    assert.deepEqual(flat, {
      model_name: "relu",
      model_version: "2",
      id: "r1",
      outputs: [{ name: "y", datatype: "FP32", shape: [2], data: [0, 2] }],
    });
    const body = {
      inputs: [{ name: "x", shape: [2, 3], datatype: "FP32", data: [[-1, 2, -3], [4, -5, 6]] }],
    };
    const nested = await (await postJson(`${url}/v2/models/relun/infer`, body)).json();
    assert.deepEqual(nested.outputs[0].data, [0, 2, 0, 4, 0, 6]);
    const v1 = await (await postJson(`${url}/v2/models/relu/versions/1/infer`, relu([3, -3])))
      .json();
    assert.equal(v1.model_version, "1");
  });

  await t.step("infer with the binary tensor data extension, both ways", async () => {
    const header = new TextEncoder().encode(JSON.stringify({
      inputs: [{ name: "x", shape: [2], datatype: "FP32", parameters: { binary_data_size: 8 } }],
      outputs: [{ name: "y", parameters: { binary_data: true } }],
    }));
    const data = new Uint8Array(new Float32Array([-7, 7]).buffer);
    const res = await fetch(`${url}/v2/models/relu/infer`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "Inference-Header-Content-Length": String(header.length),
      },
      body: new Uint8Array([...header, ...data]),
    });
    const split = Number(res.headers.get("Inference-Header-Content-Length"));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const head = JSON.parse(new TextDecoder().decode(bytes.subarray(0, split)));
    assert.deepEqual(head.outputs[0].parameters, { binary_data_size: 8 });
    assert.deepEqual(Array.from(new Float32Array(bytes.slice(split).buffer)), [0, 7]);
    const all = await postJson(`${url}/v2/models/relu/infer`, {
      ...relu([1, 1]),
      parameters: { binary_data_output: true },
    });
    assert.ok(all.headers.get("Inference-Header-Content-Length"));
    await all.body?.cancel();
  });

  await t.step("statistics in Triton's shape", async () => {
    const stats = await (await fetch(`${url}/v2/models/relu/versions/2/stats`)).json();
    const s = stats.model_stats[0];
    assert.equal(s.name, "relu");
    assert.ok(s.inference_count >= 3);
    assert.ok(s.inference_stats.success.count >= 3 && s.inference_stats.success.ns > 0);
    assert.ok(Array.isArray(s.batch_stats));
    const all = await (await fetch(`${url}/v2/models/stats`)).json();
    assert.equal(all.model_stats.length, 3);
  });

  await t.step("repository index, upload, load from a file, unload", async () => {
    const index = await (await postJson(`${url}/v2/repository/index`, {})).json();
    assert.deepEqual(
      index.map((e: { name: string; version: string }) => `${e.name}/${e.version}`).sort(),
      ["relu/1", "relu/2", "relun/1"],
    );
    const up = await fetch(`${url}/v2/repository/models/uploaded/load?version=3`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: RELU,
    });
    assert.equal(up.status, 200);
    await up.body?.cancel();
    const out = await (await postJson(`${url}/v2/models/uploaded/infer`, relu([-2, 5]))).json();
    assert.deepEqual([out.model_version, out.outputs[0].data], ["3", [0, 5]]);
    const named = await postJson(`${url}/v2/repository/models/byfile/load`, {
      parameters: { file: "relu/1/model.onnx" },
    });
    assert.equal(named.status, 200);
    await named.body?.cancel();
    assert.equal((await fetch(`${url}/v2/models/byfile/ready`)).status, 200);
    assert.equal((await postJson(`${url}/v2/repository/models/byfile/unload`, {})).status, 200);
    const notReady = await postJson(`${url}/v2/models/byfile/infer`, relu([1, 1]));
    assert.equal(notReady.status, 503);
    assert.match((await notReady.json()).error, /unloaded/);
    assert.equal((await fetch(`${url}/v2/models/byfile/ready`)).status, 400);
    const reload = await postJson(`${url}/v2/repository/models/relu/load`, {});
    assert.equal(reload.status, 200);
    await reload.body?.cancel();
  });

  await t.step("cluster view and metrics", async () => {
    const view = await (await fetch(`${url}/v1/cluster`)).json();
    assert.equal(view.workers.length, 1);
    assert.ok(view.workers[0].stages.length > 0);
    const relu2 = view.models.find((m: { name: string; version: string }) =>
      m.name === "relu" && m.version === "2"
    );
    assert.deepEqual(Object.keys(relu2.stages[0]).sort(), [
      "flops",
      "inBytes",
      "index",
      "msAvg",
      "nodes",
      "outBytes",
      "workers",
    ]);
    const text = await (await fetch(`${url}/metrics`)).text();
    for (
      const name of [
        "meshrt_requests_total",
        "meshrt_request_duration_seconds_bucket",
        "meshrt_queue_depth",
        "meshrt_batch_size_bucket",
        "meshrt_stage_ms_avg",
        "meshrt_workers 1",
      ]
    ) {
      assert.ok(text.includes(name), `metrics include ${name}`);
    }
  });

  await t.step("async jobs: submit, poll until done, cancel, unknown id", async () => {
    const submit = await postJson(`${url}/v1/jobs`, { model: "relu", ...relu([-4, 4]) });
    assert.equal(submit.status, 202);
    const { id } = await submit.json();
    let job;
    for (let i = 0; i < 100; i++) {
      job = await (await fetch(`${url}/v1/jobs/${id}`)).json();
      if (job.status === "done" || job.status === "failed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(job.status, "done");
    assert.deepEqual(job.outputs[0].data, [0, 4]);
    assert.equal((await fetch(`${url}/v1/jobs/${id}`, { method: "DELETE" })).status, 200);
    const gone = await fetch(`${url}/v1/jobs/${id}`);
    assert.equal(gone.status, 404);
    assert.match((await gone.json()).error, /does not exist/);
  });
});
