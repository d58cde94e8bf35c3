import assert from "node:assert/strict";
import { InferenceSession } from "../worker/session.ts";
import { Tensor } from "../graph/tensor.ts";
import { v2Datatype } from "../coordinator/server/datatypes.ts";
import { jsonData, rawBytes } from "../coordinator/server/tensor_codec.ts";
import { loadModelCase, type ModelName, modelPath } from "./model_cases.ts";
import { makeRepository, postJson, serveForTest } from "./serve_helpers.ts";

const MODELS: ModelName[] = ["ppocr_v2_cls", "silero_vad_v5"];

async function reference(
  name: ModelName,
  feeds: Record<string, Tensor>,
): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(modelPath(name));
  try {
    return await session.run(feeds);
  } finally {
    session.release();
  }
}

/** The request's inputs: JSON data, or binary with the extension. */
function requestOf(
  feeds: Record<string, Tensor>,
  binary: boolean,
): { body: Uint8Array; headerLength?: number } {
  const inputs = Object.entries(feeds).map(([name, t]) => ({
    name,
    shape: [...t.dims],
    datatype: v2Datatype(t.type),
    ...(binary ? { parameters: { binary_data_size: t.data.byteLength } } : { data: jsonData(t) }),
  }));
  const json = new TextEncoder().encode(
    JSON.stringify({ inputs, parameters: { binary_data_output: binary } }),
  );
  if (!binary) return { body: json };
  const chunks = [json, ...Object.values(feeds).map(rawBytes)];
  const body = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  chunks.reduce((at, c) => (body.set(c, at), at + c.length), 0);
  return { body, headerLength: json.length };
}

/** Output bytes by name from a JSON or binary response. */
async function outputBytes(
  res: Response,
  want: Record<string, Tensor>,
): Promise<Map<string, Uint8Array>> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const split = Number(res.headers.get("Inference-Header-Content-Length") ?? bytes.length);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(0, split)));
  const out = new Map<string, Uint8Array>();
  let at = split;
  for (const o of head.outputs) {
    assert.deepEqual(o.shape, [...want[o.name].dims]);
    if (o.parameters?.binary_data_size) {
      out.set(o.name, bytes.slice(at, at + o.parameters.binary_data_size));
      at += o.parameters.binary_data_size;
    } else {
      const t = want[o.name];
      const copy = new (t.data.constructor as Float32ArrayConstructor)(o.data);
      out.set(o.name, new Uint8Array(copy.buffer));
    }
  }
  return out;
}

Deno.test("serve: PP-OCR v2 cls and silero VAD v5 answer over HTTP exactly as the library does", async (t) => {
  const files: Record<string, Uint8Array> = {};
  for (const m of MODELS) files[`${m}/1/model.onnx`] = await Deno.readFile(modelPath(m));
  await using server = await serveForTest({ modelsDir: await makeRepository(files) });
  for (const name of MODELS) {
    const { inputs } = loadModelCase(name);
    const want = await reference(name, inputs);
    for (const binary of [false, true]) {
      await t.step(`${name}, ${binary ? "binary" : "JSON"} tensors`, async () => {
        const { body, headerLength } = requestOf(inputs, binary);
        const headers: Record<string, string> = headerLength === undefined
          ? {}
          : { "Inference-Header-Content-Length": String(headerLength) };
        const res = await postJson(`${server.url}/v2/models/${name}/infer`, body, headers);
        assert.equal(res.status, 200);
        const got = await outputBytes(res, want);
        assert.deepEqual([...got.keys()].sort(), Object.keys(want).sort());
        for (const [out, w] of Object.entries(want)) {
          assert.deepEqual(got.get(out), rawBytes(w), `output "${out}" is bit-exact`);
        }
      });
    }
  }
});

Deno.test("serve: PP-OCR v2 cls under dynamic batching gives each request the library's output for its own image", async () => {
  const name = "ppocr_v2_cls";
  await using server = await serveForTest({
    modelsDir: await makeRepository({
      [`${name}/1/model.onnx`]: await Deno.readFile(modelPath(name)),
      [`${name}/1/config.json`]: {
        max_batch_size: 8,
        dynamic_batching: { max_queue_delay_microseconds: 50_000 },
      },
    }),
  });
  const { x } = loadModelCase(name).inputs;
  const images = Array.from({ length: 6 }, (_, i) => {
    const data = (x.data as Float32Array).map((v, j) => i % 2 ? -v : v * (1 + ((i + j) % 5) / 10));
    return new Tensor("float32", data, x.dims);
  });
  const session = await InferenceSession.create(modelPath(name));
  const want: Record<string, Tensor>[] = [];
  for (const image of images) want.push(await session.run({ x: image }));
  session.release();
  // Binary bodies parse fast, so the requests arrive while the first one runs.
  const replies = await Promise.all(images.map(async (image, i) => {
    const { body, headerLength } = requestOf({ x: image }, true);
    const res = await postJson(`${server.url}/v2/models/${name}/infer`, body, {
      "Inference-Header-Content-Length": String(headerLength),
    });
    assert.equal(res.status, 200);
    return await outputBytes(res, want[i]);
  }));
  replies.forEach((got, i) => {
    const [out, expected] = Object.entries(want[i])[0];
    const values = new Float32Array(got.get(out)!.slice().buffer);
    (expected.data as Float32Array).forEach((v, j) =>
      assert.ok(
        Math.abs(values[j] - v) <= 1e-5,
        `request ${i}, "${out}"[${j}]: ${values[j]} vs ${v}`,
      )
    );
  });
  const stats =
    (await (await fetch(`${server.url}/v2/models/${name}/stats`)).json()).model_stats[0];
  assert.ok(stats.execution_count < 6, `6 requests ran in ${stats.execution_count} executions`);
});
