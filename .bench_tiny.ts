import { InferenceSession } from "./worker/session.ts";
import { Tensor } from "./graph/tensor.ts";
const s = await InferenceSession.create("/tmp/tiny.onnx");
const x = new Tensor("float32", new Float32Array(512), [1, 64, 8]);
for (let i = 0; i < 200; i++) await s.run({ x });
const t = performance.now(); const N = 1000;
for (let i = 0; i < N; i++) await s.run({ x });
const ms = (performance.now() - t) / N;
console.log(`${ms.toFixed(3)} ms/run, ${(ms * 1000 / 420).toFixed(2)} us/node`);
