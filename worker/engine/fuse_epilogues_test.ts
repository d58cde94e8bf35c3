import assert from "node:assert/strict";
import type { Attribute } from "../../graph/ir.ts";
import { Tensor } from "../../graph/tensor.ts";
import { InferenceSession } from "../session.ts";
import { convChain, f32, image, model, node, outputs } from "./_test_models.ts";

Deno.test("a Conv + HardSwish + affine chain runs as one node and matches the chain unfused", async () => {
  const fused = await InferenceSession.create(convChain(13));
  const plain = await InferenceSession.create(convChain(13), {
    graphOptimizationLevel: "disabled",
  });
  assert.equal(fused.plan.nodes.length, 1);
  const [a, b] = [await outputs(fused, image(1)), await outputs(plain, image(1))];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `element ${i}: ${v} vs ${b[i]}`));
  fused.release();
  plain.release();
});

Deno.test("a layer norm spelled out in nine ops runs as one LayerNormalization", async () => {
  const axes: Record<string, Attribute> = { axes: { kind: "ints", value: [-1] } };
  const bytes = model({
    name: "ln",
    nodes: [
      node("ReduceMean", ["x"], ["m"], axes),
      node("Sub", ["x", "m"], ["d"]),
      node("Pow", ["d", "two"], ["p"]),
      node("ReduceMean", ["p"], ["v"], axes),
      node("Add", ["v", "eps"], ["e"]),
      node("Sqrt", ["e"], ["s"]),
      node("Div", ["d", "s"], ["n"]),
      node("Mul", ["n", "gamma"], ["g"]),
      node("Add", ["g", "beta"], ["y"]),
    ],
    inputs: [{ name: "x", dtype: "float32", dims: [2, 4] }],
    outputs: [{ name: "y", dtype: "float32", dims: [2, 4] }],
    initializers: new Map([
      ["two", f32([], [2])],
      ["eps", f32([], [1e-5])],
      ["gamma", f32([4], [1, 2, 0.5, -1])],
      ["beta", f32([4], [0, 0.25, -0.5, 1])],
    ]),
    valueInfo: new Map(),
  }, 13);
  const fused = await InferenceSession.create(bytes);
  const plain = await InferenceSession.create(bytes, { graphOptimizationLevel: "disabled" });
  assert.deepEqual(fused.plan.nodes.map((n) => n.node.opType), ["LayerNormalization"]);
  const x = new Tensor("float32", new Float32Array([1, 2, 3, 5, -1, 0.5, 4, 2]), [2, 4]);
  const [a, b] = [(await fused.run({ x })).y.data, (await plain.run({ x })).y.data];
  a.forEach((v, i) => assert.ok(Math.abs(Number(v) - Number(b[i])) < 1e-5, `element ${i}`));
  fused.release();
  plain.release();
});

Deno.test("a Conv + LeakyRelu floored by a scalar Max runs as one node, as the ops define it", async () => {
  // A 1×1 Conv with weights [2, -1] and bias [0.5, 0]: two channels of known values.
  const bytes = model({
    name: "floored",
    nodes: [
      node("Conv", ["x", "w", "b"], ["c"]),
      node("LeakyRelu", ["c"], ["l"], { alpha: { kind: "float", value: 0.2 } }),
      node("Max", ["l", "floor"], ["y"]),
    ],
    inputs: [{ name: "x", dtype: "float32", dims: [1, 1, 1, 4] }],
    outputs: [{ name: "y", dtype: "float32", dims: [1, 2, 1, 4] }],
    initializers: new Map([
      ["w", f32([2, 1, 1, 1], [2, -1])],
      ["b", f32([2], [0.5, 0])],
      ["floor", f32([1, 1, 1, 1], [-0.4])],
    ]),
    valueInfo: new Map(),
  }, 13);
  const x = [-5, -1, 0.25, 3];
  const conv = [...x.map((v) => 2 * v + 0.5), ...x.map((v) => -v)];
  const expected = conv.map((c) => Math.max(c < 0 ? 0.2 * c : c, -0.4));
  for (const level of ["disabled", "all"] as const) {
    const session = await InferenceSession.create(bytes, { graphOptimizationLevel: level });
    assert.equal(session.plan.nodes.length, 1, level);
    const y = await outputs(session, new Tensor("float32", new Float32Array(x), [1, 1, 1, 4]));
    y.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${level} ${i}: ${v}`));
    session.release();
  }
});
