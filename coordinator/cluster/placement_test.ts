import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { WorkerInfoSchema } from "../../proto/gen/mesh_pb.ts";
import type { Graph, Node } from "../../graph/ir.ts";
import { supportedOps } from "../../graph/ops/registry.ts";
import type { Member } from "./membership.ts";
import { placeModel } from "./placement.ts";

const LINK = { bytesPerSec: 1e10, hopMs: 0, cpuMsPerByte: 0 };

function member(id: string, backends: string[], gflops: Record<string, number>): Member {
  const info = create(WorkerInfoSchema, { id, name: id, backends, ops: supportedOps(), gflops });
  return { info, lastSeen: Date.now(), stageKeys: [], inFlight: 0 };
}

/** Four 256³ MatMuls, then eight 256×256 Adds. */
function matmulsThenAdds(): Graph {
  const node = (opType: string, i: number, a: string, b: string): Node => ({
    name: `n${i}`,
    opType,
    domain: "",
    inputs: [a, b],
    outputs: [`v${i}`],
    attributes: new Map(),
  });
  const nodes = [
    ...Array.from({ length: 4 }, (_, i) => node("MatMul", i, i ? `v${i - 1}` : "x", "w")),
    ...Array.from({ length: 8 }, (_, i) => node("Add", 4 + i, `v${3 + i}`, "w")),
  ];
  return {
    name: "g",
    nodes,
    inputs: [
      { name: "x", dtype: "float32", dims: [256, 256] },
      { name: "w", dtype: "float32", dims: [256, 256] },
    ],
    outputs: [{ name: "v11", dtype: "float32" }],
    initializers: new Map(),
    valueInfo: new Map(),
  };
}

Deno.test("placeModel() gives GEMMs to a WebGPU worker fast at compute and slow at memory ops", () => {
  const cpu = member("cpu", ["wasm"], { "wasm.compute": 20, "wasm.memory": 2 });
  const gpu = member("gpu", ["webgpu", "wasm"], {
    "wasm.compute": 20,
    "wasm.memory": 2,
    "webgpu.compute": 400,
    "webgpu.memory": 0.05,
  });
  const stages = placeModel(matmulsThenAdds(), 13, [cpu, gpu], LINK, { stages: 2 });
  assert.deepEqual(stages.map((s) => [s.start, s.end, s.workers[0], s.backend]), [
    [0, 4, "gpu", "webgpu"],
    [4, 12, "cpu", "wasm"],
  ]);
});

Deno.test("placeModel() keeps GEMMs off a WebGPU worker whose GPU is slower than WASM", () => {
  const cpu = member("cpu", ["wasm"], { "wasm.compute": 20, "wasm.memory": 2 });
  const gpu = member("gpu", ["webgpu", "wasm"], {
    "wasm.compute": 20,
    "wasm.memory": 2,
    "webgpu.compute": 1,
    "webgpu.memory": 1,
  });
  const [first, second] = placeModel(matmulsThenAdds(), 13, [cpu, gpu], LINK, { stages: 2 });
  assert.equal(first.workers[0], "cpu", "the MatMuls go where they run fastest");
  assert.equal(second.workers[0], "gpu");
});
