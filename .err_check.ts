import { InferenceSession } from "./worker/session.ts";
import { Tensor } from "./graph/tensor.ts";
const f = (d: number[], n = d.reduce((a, b) => a * b, 1)) => new Tensor("float32", new Float32Array(n), d);
const i = (...v: number[]) => new Tensor("int64", new BigInt64Array(v.map(BigInt)), [v.length]);
const cases: [string, Record<string, Tensor>][] = [
  ["gather_oob", { x: f([3, 2]), i: i(0, 3) }],
  ["scatternd_oob", { x: f([3, 2]), i: new Tensor("int64", new BigInt64Array([-4n]), [1, 1]), u: f([1, 2]) }],
  ["reshape_bad", { x: f([3, 2]), s: i(4, 2) }],
  ["empty_chain", { x: f([0, 3]), i: new Tensor("int64", new BigInt64Array(0), [0]) }],
];
for (const [name, feeds] of cases) {
  try {
    const s = await InferenceSession.create(`/tmp/err_${name}.onnx`);
    const out = await s.run(feeds);
    console.log(name, "ok", Object.entries(out).map(([k, v]) => `${k}:[${v.dims}]`).join(" "));
    // the session must still work after an error
  } catch (e) { console.log(name, (e as Error).name, (e as Error).message, "| cause:", String((e as Error).cause)); }
}
