import assert from "node:assert/strict";
import { makeRepository, postJson, serveForTest } from "./serve_helpers.ts";

const RELU = await Deno.readFile(new URL("./data/relu.onnx", import.meta.url));
const x = (over: object = {}) => ({
  inputs: [{ name: "x", shape: [2], datatype: "FP32", data: [1, 2], ...over }],
});

/** Asserts a JSON error with this status whose message matches. */
async function assertError(res: Response | Promise<Response>, status: number, message: RegExp) {
  const r = await res;
  const body = await r.json();
  assert.equal(r.status, status, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.match(body.error, message);
  assert.doesNotMatch(body.error, /\n\s+at /, "no stack trace");
}

/** Polls a job until it is done or failed; returns its record. */
async function pollJob(url: string) {
  for (let i = 0; i < 500; i++) {
    const job = await (await fetch(url)).json();
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Job ${url} did not finish`);
}

Deno.test("serve: every error is JSON with the right status and names the tensor at fault", async (t) => {
  const dir = await makeRepository({
    "relu/1/model.onnx": RELU,
    "tiny/1/model.onnx": RELU,
    "tiny/1/config.json": { dynamic_batching: { max_queue_size: 1 } },
  });
  await using server = await serveForTest({ modelsDir: dir, bodyLimit: 4096 });
  const infer = `${server.url}/v2/models/relu/infer`;

  await t.step("unknown model and version: 404", async () => {
    await assertError(postJson(`${server.url}/v2/models/nope/infer`, x()), 404, /"nope"/);
    await assertError(fetch(`${server.url}/v2/models/relu/versions/9`), 404, /version "9"/);
    await assertError(fetch(`${server.url}/no/such/route`), 404, /route/);
  });

  await t.step("malformed requests: 400 naming the tensor", async () => {
    await assertError(postJson(infer, "{not json"), 400, /not valid JSON/);
    await assertError(postJson(infer, { inputs: 3 }), 400, /"inputs"/);
    await assertError(
      postJson(infer, x({ datatype: "INT32", data: [1, 2] })),
      400,
      /"x".*INT32.*FP32/,
    );
    await assertError(postJson(infer, x({ datatype: "BYTES" })), 400, /"x".*BYTES/);
    await assertError(postJson(infer, x({ data: [1, 2, 3] })), 400, /"x".*3/);
    await assertError(postJson(infer, x({ shape: [3], data: [1, 2, 3] })), 400, /"x".*\[3\]/);
    await assertError(postJson(infer, x({ data: [1, "a"] })), 400, /"x"/);
    await assertError(postJson(infer, { inputs: [] }), 400, /input "x" is missing/);
    await assertError(
      postJson(infer, {
        inputs: [...x().inputs, { name: "z", shape: [1], datatype: "FP32", data: [1] }],
      }),
      400,
      /"z"/,
    );
    await assertError(postJson(infer, { ...x(), outputs: [{ name: "w" }] }), 400, /"w"/);
    await assertError(
      fetch(infer, {
        method: "POST",
        headers: { "Inference-Header-Content-Length": "99999" },
        body: "{}",
      }),
      400,
      /Inference-Header-Content-Length/,
    );
    const header = JSON.stringify({
      inputs: [{ name: "x", shape: [2], datatype: "FP32", parameters: { binary_data_size: 4 } }],
    });
    await assertError(
      fetch(infer, {
        method: "POST",
        headers: { "Inference-Header-Content-Length": String(header.length) },
        body: header + "abcd",
      }),
      400,
      /"x".*4 bytes/,
    );
    await assertError(
      postJson(`${server.url}/v2/repository/models/bad/load`, {
        parameters: { file: "../etc/passwd" },
      }),
      400,
      /outside/,
    );
    await assertError(
      fetch(`${server.url}/v2/repository/models/bad/load`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: "garbage",
      }),
      400,
      /./,
    );
  });

  await t.step("body over the limit: 413", async () => {
    await assertError(postJson(infer, x({ data: new Array(5000).fill(1) })), 413, /limit of 4096/);
  });

  await t.step("model not ready: 503", async () => {
    await postJson(`${server.url}/v2/repository/models/relu/unload`, {}).then((r) =>
      r.body?.cancel()
    );
    await assertError(postJson(infer, x()), 503, /"relu".*unloaded/);
    await postJson(`${server.url}/v2/repository/models/relu/load`, {}).then((r) =>
      r.body?.cancel()
    );
    assert.equal((await postJson(infer, x())).status, 200);
  });

  await t.step("overload: 503 with Retry-After from the bounded queue", async () => {
    const all = await Promise.all(
      Array.from({ length: 20 }, () => postJson(`${server.url}/v2/models/tiny/infer`, x())),
    );
    const refused = all.filter((r) => r.status === 503);
    assert.ok(refused.length > 0, "some requests are refused");
    assert.ok(all.some((r) => r.status === 200), "some requests are served");
    assert.equal(refused[0].headers.get("Retry-After"), "1");
    assert.match((await refused[0].json()).error, /queue is full/);
    await Promise.all(all.map((r) => r.bodyUsed ? undefined : r.body?.cancel()));
  });

  await t.step("jobs wait for room in a full queue instead of failing", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const res = await postJson(`${server.url}/v1/jobs`, {
        model: "tiny",
        ...x({ data: [-i, i] }),
      });
      assert.equal(res.status, 202);
      return (await res.json()).id;
    }));
    for (const [i, id] of ids.entries()) {
      const job = await pollJob(`${server.url}/v1/jobs/${id}`);
      assert.equal(job.status, "done", job.error);
      assert.deepEqual(job.outputs[0].data, [0, i]);
    }
  });

  await t.step("jobs: unknown model 404, bad request 400, unknown job 404", async () => {
    await assertError(postJson(`${server.url}/v1/jobs`, { model: "nope", ...x() }), 404, /"nope"/);
    await assertError(postJson(`${server.url}/v1/jobs`, { model: "relu" }), 400, /"inputs"/);
    await assertError(fetch(`${server.url}/v1/jobs/abc`), 404, /"abc"/);
    await assertError(fetch(`${server.url}/v1/jobs/abc`, { method: "DELETE" }), 404, /"abc"/);
  });
});

Deno.test("serve: with MESHRT_TOKEN set, the API needs the bearer token (401 without it)", async () => {
  await using server = await serveForTest({ token: "s3cret" });
  await assertError(fetch(`${server.url}/v2`), 401, /bearer token/);
  await assertError(
    fetch(`${server.url}/v2`, { headers: { authorization: "Bearer wrong" } }),
    401,
    /token/,
  );
  const ok = await fetch(`${server.url}/v2`, { headers: { authorization: "Bearer s3cret" } });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const live = await fetch(`${server.url}/v2/health/live`);
  assert.equal(live.status, 200, "health stays open for probes");
  await live.body?.cancel();
});
