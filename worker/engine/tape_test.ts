import assert from "node:assert/strict";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { convChain, image, model, node, outputs } from "./_test_models.ts";

Deno.test("a session run again on new data of the same shapes replays its tapes correctly", async () => {
  for (const opset of [13, 17]) {
    const session = await InferenceSession.create(convChain(opset));
    for (let i = 0; i < 3; i++) await outputs(session, image(1));
    const replayed = await outputs(session, image(2));
    const fresh = await InferenceSession.create(convChain(opset));
    assert.deepEqual(replayed, await outputs(fresh, image(2)));
    session.release();
    fresh.release();
  }
});

Deno.test("a node whose binding reads a runtime input's values is run, not replayed", async () => {
  const bytes = model({
    name: "cumsum",
    nodes: [node("CumSum", ["x", "axis"], ["y"])],
    inputs: [
      { name: "x", dtype: "float32", dims: [2, 2] },
      { name: "axis", dtype: "int64", dims: [] },
    ],
    outputs: [{ name: "y", dtype: "float32", dims: [2, 2] }],
    initializers: new Map(),
    valueInfo: new Map(),
  }, 14);
  const session = await InferenceSession.create(bytes);
  const x = new Tensor("float32", new Float32Array([1, 2, 3, 4]), [2, 2]);
  const run = async (axis: bigint) =>
    Array.from(
      (await session.run({ x, axis: new Tensor("int64", new BigInt64Array([axis]), []) })).y
        .data as Float32Array,
    );
  for (let i = 0; i < 2; i++) assert.deepEqual(await run(0n), [1, 2, 4, 6]);
  assert.deepEqual(await run(1n), [1, 3, 3, 7]);
  session.release();
});
