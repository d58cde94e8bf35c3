/**
 * Bad models and bad feeds fail with typed errors whose messages name what is wrong, and
 * the session (or, for a model that never loads, the process) runs the next good request.
 * NaN and Inf are values, not errors. The tiny models come from scripts/make_test_models.ts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  ExecutionError,
  InferenceSession,
  InputError,
  ModelLoadError,
  SessionReleasedError,
  Tensor,
  UnsupportedDTypeError,
  UnsupportedOpError,
} from "../mod.ts";
import { decodeModel } from "../graph/decode_model.ts";
import { encodeModel } from "../graph/encode_model.ts";

/** Path of a model under tests/data/. */
function dataPath(name: string): string {
  return fileURLToPath(new URL(`./data/${name}`, import.meta.url));
}

function floats(values: number[], dims = [values.length]): Tensor {
  return new Tensor("float32", values, dims);
}

/**
 * Asserts that `promise` rejects with an instance of `type` whose message matches
 * `message` and whose fields equal `fields`.
 */
async function assertRejects<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  message: RegExp,
  fields: Partial<E> = {},
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    assert.match(e.message, message);
    for (const [key, value] of Object.entries(fields)) assert.equal(e[key as keyof E], value);
    return true;
  });
}

/**
 * Runs a good request: every input (all float32 [2] in these models) gets [1, -2], and
 * each of them feeds one Add or the Relu, so y is [number of inputs, 0].
 */
async function assertRunsGood(session: InferenceSession): Promise<void> {
  const feeds = Object.fromEntries(session.inputNames.map((n) => [n, floats([1, -2])]));
  const { y } = await session.run(feeds);
  assert.deepEqual(Array.from(y.data as Float32Array), [session.inputNames.length, 0]);
}

/** After a model failed to load, the process still loads and runs a good one. */
async function assertProcessRunsGood(): Promise<void> {
  const session = await InferenceSession.create(dataPath("add_relu.onnx"));
  try {
    await assertRunsGood(session);
  } finally {
    session.release();
  }
}

/** Runs `fail` on a fresh session of `model`, then a good request on the same session. */
async function failThenRun(
  model: string,
  fail: (session: InferenceSession) => Promise<void>,
): Promise<void> {
  const session = await InferenceSession.create(dataPath(model));
  try {
    await fail(session);
    await assertRunsGood(session);
  } finally {
    session.release();
  }
}

Deno.test("InferenceSession.create() rejects truncated model bytes with ModelLoadError", async () => {
  const bytes = await Deno.readFile(dataPath("add_relu.onnx"));
  for (const length of [bytes.length - 1, bytes.length >> 1, 7]) {
    await assertRejects(
      InferenceSession.create(bytes.slice(0, length)),
      ModelLoadError,
      /^Cannot decode the model: /,
    );
  }
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() rejects garbage and empty bytes with ModelLoadError", async () => {
  const garbage = new TextEncoder().encode("this is not an ONNX model");
  await assertRejects(InferenceSession.create(garbage), ModelLoadError, /not an ONNX ModelProto/);
  await assertRejects(InferenceSession.create(new Uint8Array()), ModelLoadError, /has no graph/);
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() rejects a malformed graph with ModelLoadError naming the node", async () => {
  const model = decodeModel(await Deno.readFile(dataPath("relu.onnx")));
  model.graph.nodes[0].inputs = ["q"];
  await assertRejects(
    InferenceSession.create(encodeModel(model)),
    ModelLoadError,
    /graph "relu": node "relu_y" \(Relu\) reads "q", which no node, initializer or input defines/,
    { nodeName: "relu_y", valueName: "q" },
  );
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() names the op and node of an unknown op", async () => {
  await assertRejects(
    InferenceSession.create(dataPath("unknown_op.onnx")),
    UnsupportedOpError,
    /node "foobar_y".*op "FooBar" is not supported/,
    { opType: "FooBar", nodeName: "foobar_y" },
  );
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() names a string input as an unsupported dtype", async () => {
  await assertRejects(
    InferenceSession.create(dataPath("string_input.onnx")),
    UnsupportedDTypeError,
    /tensor "text".*element type "string" is not supported/,
    { dtype: "string", tensorName: "text" },
  );
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() names a bfloat16 initializer as an unsupported dtype", async () => {
  await assertRejects(
    InferenceSession.create(dataPath("bfloat16_initializer.onnx")),
    UnsupportedDTypeError,
    /tensor "w".*element type "bfloat16" is not supported/,
    { dtype: "bfloat16", tensorName: "w" },
  );
  await assertProcessRunsGood();
});

Deno.test("InferenceSession.create() loads external data beside the model file", async () => {
  const session = await InferenceSession.create(dataPath("external_data.onnx"));
  const { y } = await session.run({ x: floats([1, -2]) });
  assert.deepEqual(Array.from(y.data as Float32Array), [11, 18]);
  session.release();
});

Deno.test("InferenceSession.create() loads external data given as bytes", async () => {
  const bytes = await Deno.readFile(dataPath("external_data.onnx"));
  const data = await Deno.readFile(dataPath("external_data.bin"));
  const session = await InferenceSession.create(bytes, {
    externalData: [{ path: "external_data.bin", data }],
  });
  const { y } = await session.run({ x: floats([1, -2]) });
  assert.deepEqual(Array.from(y.data as Float32Array), [11, 18]);
  session.release();
});

Deno.test("InferenceSession.create() names the tensor and file of missing external data", async () => {
  const bytes = await Deno.readFile(dataPath("external_data.onnx"));
  await assertRejects(
    InferenceSession.create(bytes),
    ModelLoadError,
    /tensor "w": its data is in external file "external_data.bin", which was not given/,
  );
  await assertRejects(
    InferenceSession.create(bytes, {
      externalData: [{ path: "external_data.bin", data: new Uint8Array(8) }],
    }),
    ModelLoadError,
    /tensor "w": bytes 4\.\.12 lie outside "external_data.bin" \(8 bytes\)/,
  );
  await assertProcessRunsGood();
});

Deno.test("session.run() names a missing feed", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    await assertRejects(session.run({ a: floats([1, 2]) }), InputError, /input "b" is missing/, {
      inputName: "b",
    });
  });
});

Deno.test("session.run() names an extra feed and lists the inputs", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    const x = floats([1, 2]);
    await assertRejects(
      session.run({ a: x, b: x, c: x }),
      InputError,
      /feed "c" is not an input of the model \(inputs: "a", "b"\)/,
      { inputName: "c" },
    );
  });
});

Deno.test("session.run() names an unknown fetch", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    const x = floats([1, 2]);
    await assertRejects(session.run({ a: x, b: x }, ["z"]), InputError, /Cannot fetch "z"/);
  });
});

Deno.test("session.run() names the input, expected and given dims of a wrong shape", async () => {
  await failThenRun("relu.onnx", async (session) => {
    await assertRejects(
      session.run({ x: floats([1, 2, 3]) }),
      InputError,
      /input "x" expects dims \[2\], got \[3\]/,
      { inputName: "x" },
    );
  });
  await failThenRun("add_relu.onnx", async (session) => {
    await assertRejects(
      session.run({ a: floats([1, 2]), b: floats([1, 2, 3, 4], [2, 2]) }),
      InputError,
      /input "b" expects dims \[n\], got \[2,2\]/,
    );
  });
});

Deno.test("session.run() names the input, expected and given type of a wrong dtype", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    await assertRejects(
      session.run({ a: floats([1, 2]), b: new Tensor("int32", [1, 2]) }),
      InputError,
      /input "b" expects type "float32", got "int32"/,
      { inputName: "b" },
    );
  });
});

Deno.test("session.run() names the node when feeds disagree on a symbolic dim", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    const fail = () =>
      assertRejects(
        session.run({ a: floats([1, 2, 3]), b: floats([1, 2]) }),
        ExecutionError,
        /node "add_s" \(Add\).*\[3\], \[2\] do not broadcast/,
        { nodeName: "add_s", opType: "Add" },
      );
    await assertRunsGood(session);
    const peak = session.arenaPeakBytes;
    for (let i = 0; i < 10; i++) await fail();
    await assertRunsGood(session);
    assert.equal(session.arenaPeakBytes, peak, "failed runs leave buffers behind in the arena");
  });
});

Deno.test("session.run() passes NaN and Inf through Add and Relu as values", async () => {
  await failThenRun("add_relu.onnx", async (session) => {
    const { s, y } = await session.run({
      a: floats([NaN, Infinity, -Infinity, 1, Infinity, 3]),
      b: floats([1, 1, 1, NaN, -Infinity, -Infinity]),
    });
    assert.deepEqual(Array.from(s.data as Float32Array), [
      NaN,
      Infinity,
      -Infinity,
      NaN,
      NaN,
      -Infinity,
    ]);
    assert.deepEqual(Array.from(y.data as Float32Array), [NaN, Infinity, 0, NaN, NaN, 0]);
  });
});

Deno.test("session.run() on a released session throws SessionReleasedError", async () => {
  const session = await InferenceSession.create(dataPath("relu.onnx"));
  session.release();
  await assertRejects(session.run({ x: floats([1, 2]) }), SessionReleasedError, /released/);
  await assertProcessRunsGood();
});
