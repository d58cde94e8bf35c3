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
