/**
 * A malformed model uploaded over HTTP fails at load with 400 and the validator's message,
 * not later at inference time.
 */
import assert from "node:assert/strict";
import { decodeModel } from "../graph/decode_model.ts";
import { encodeModel } from "../graph/encode_model.ts";
import { postJson, serveForTest } from "./serve_helpers.ts";

/** tests/data/relu.onnx, but its graph declares output "z", which nothing produces. */
async function danglingOutputModel(): Promise<Uint8Array> {
  const model = decodeModel(await Deno.readFile(new URL("./data/relu.onnx", import.meta.url)));
  model.graph.outputs = [{ name: "z", dtype: "float32", dims: [2] }];
  return encodeModel(model);
}

Deno.test("serve: uploading a malformed model answers 400 naming the value at fault", async () => {
  await using server = await serveForTest();
  const res = await fetch(`${server.url}/v2/repository/models/dangling/load`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: await danglingOutputModel() as BodyInit,
  });
  const body = await res.json();
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.match(body.error, /graph output "z" is not produced by any node, initializer or input/);
  const infer = await postJson(`${server.url}/v2/models/dangling/infer`, {
    inputs: [{ name: "x", shape: [2], datatype: "FP32", data: [1, 2] }],
  });
  assert.notEqual(infer.status, 200, "a model that failed to load does not serve");
  await infer.body?.cancel();
});
