import { InferenceSession } from "./worker/session.ts";
import { Tensor } from "./graph/tensor.ts";
const x = new Tensor("float32", new Float32Array(64 * 112 * 112).map(Math.random), [1, 64, 112, 112]);
for (const name of Deno.args) {
  const s = await InferenceSession.create(`/tmp/b_${name}.onnx`, { enableProfiling: true });
  for (let i = 0; i < 25; i++) await s.run({ x });
  const ms = s.profile.map((p) => p.ms).sort((a, b) => a - b);
  console.log(name.padEnd(10), "min", ms[0].toFixed(2), "median", ms[ms.length >> 1].toFixed(2));
  s.release();
}
