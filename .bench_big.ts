import { InferenceSession } from "./worker/session.ts";
import { Tensor } from "./graph/tensor.ts";
const x = new Tensor("float32", new Float32Array(64 * 112 * 112).map(Math.random), [1, 64, 112, 112]);
for (const name of ["nhwc", "perm", "nearest", "linear", "slice", "pad", "concat"]) {
  const s = await InferenceSession.create(`/tmp/b_${name}.onnx`);
  for (let i = 0; i < 5; i++) await s.run({ x });
  const t = performance.now(), n = 30;
  for (let i = 0; i < n; i++) await s.run({ x });
  console.log(`${name.padEnd(12)} meshrt ${((performance.now() - t) / n).toFixed(2)} ms`);
  s.release();
}
