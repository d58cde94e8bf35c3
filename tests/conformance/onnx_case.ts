/**
 * One ONNX backend node test: its model, its feeds and expected outputs, and the
 * comparison rule of ONNX's own backend test runner.
 * @module
 */
import { fromBinary } from "@bufbuild/protobuf";
import { TensorProtoSchema } from "../../proto/gen/onnx_pb.ts";
import { decodeTensor } from "../../graph/decode_tensor.ts";
import { Tensor } from "../../graph/tensor.ts";
import { float16ToFloat32 } from "../../graph/float16.ts";

/** The suite's folder inside the project. */
export const SUITE_DIR = new URL("../data/onnx-node/", import.meta.url);

/** An entry of the suite's manifest.json. */
export interface ManifestEntry {
  name: string;
  ops: string[];
  opset: number;
  ort: string;
}

/** Reads the manifest. */
export function readManifest(): ManifestEntry[] {
  return JSON.parse(Deno.readTextFileSync(new URL("manifest.json", SUITE_DIR)));
}

/** A test's model bytes, named feeds and named expected outputs. */
export interface OnnxCase {
  model: Uint8Array;
  inputs: Tensor[];
  outputs: Tensor[];
  inputNames: string[];
  outputNames: string[];
}

/** Loads test `name` (its first data set). */
export function loadCase(name: string): OnnxCase {
  const dir = new URL(`node/${name}/`, SUITE_DIR);
  const read = (prefix: string) => {
    const out: { name: string; tensor: Tensor }[] = [];
    for (let i = 0;; i++) {
      let bytes: Uint8Array;
      try {
        bytes = Deno.readFileSync(new URL(`test_data_set_0/${prefix}_${i}.pb`, dir));
      } catch {
        return out;
      }
      const proto = fromBinary(TensorProtoSchema, bytes);
      const t = decodeTensor(proto);
      out.push({ name: proto.name, tensor: new Tensor(t.dtype, t.data, t.dims) });
    }
  };
  const inputs = read("input"), outputs = read("output");
  return {
    model: Deno.readFileSync(new URL("model.onnx", dir)),
    inputs: inputs.map((x) => x.tensor),
    inputNames: inputs.map((x) => x.name),
    outputs: outputs.map((x) => x.tensor),
    outputNames: outputs.map((x) => x.name),
  };
}

/**
 * Compares like ONNX's runner: floats within 1e-7 + 1e-3·|expected| (NaN equals NaN),
 * everything else exactly. Returns undefined on a match, else what differs.
 */
export function compareTensors(actual: Tensor, expected: Tensor): string | undefined {
  if (actual.type !== expected.type) return `type ${actual.type}, expected ${expected.type}`;
  if (actual.dims.join() !== expected.dims.join()) {
    return `dims [${actual.dims}], expected [${expected.dims}]`;
  }
  const a = asNumbers(actual), e = asNumbers(expected);
  const float = actual.type.startsWith("float");
  for (let i = 0; i < e.length; i++) {
    const x = a[i], y = e[i];
    const ok = float ? floatClose(Number(x), Number(y)) : x === y;
    if (!ok) return `element ${i} is ${x}, expected ${y}`;
  }
  return undefined;
}

/** ONNX's backend-test rule for floats: rtol 1e-3, atol 1e-7, NaN equals NaN. */
function floatClose(x: number, y: number): boolean {
  if (Number.isNaN(y)) return Number.isNaN(x);
  return x === y || Math.abs(x - y) <= 1e-7 + 1e-3 * Math.abs(y);
}

function asNumbers(t: Tensor): ArrayLike<number | bigint> {
  if (t.type === "float16") return Array.from(t.data as Uint16Array, float16ToFloat32);
  return t.data as ArrayLike<number | bigint>;
}
