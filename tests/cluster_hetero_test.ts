/**
 * A heterogeneous cluster over a real nats-server: one worker on WASM and one on WebGPU
 * (Mesa's lavapipe where there is no GPU). PP-OCRv2 cls, cut in 2 stages, lands on both;
 * its outputs equal, bit for bit, the same stages run in this process with the same
 * providers, and match ONNX Runtime's reference.
 */
import assert from "node:assert/strict";
import { connectNats } from "../bus/nats_bus.ts";
import { Subjects } from "../bus/subjects.ts";
import { Cluster } from "../coordinator/cluster/cluster.ts";
import type { PlacedStage } from "../coordinator/cluster/placement.ts";
import { encodeModel } from "../graph/encode_model.ts";
import { inferShapes } from "../graph/infer_shapes.ts";
import type { Model } from "../graph/ir.ts";
import { extractStage, liveAcrossCuts } from "../graph/subgraph.ts";
import type { Tensor } from "../graph/tensor.ts";
import { prepareModel } from "../worker/prepare_model.ts";
import { InferenceSession } from "../worker/session.ts";
import { loadModelCase, maxAbsDiff, modelPath } from "./model_cases.ts";
import { startNatsServer } from "./nats_server.ts";

const CLS = "ppocr_v2_cls";
const ADAPTER = await (globalThis.navigator as { gpu?: GPU }).gpu?.requestAdapter();

function spawnWorker(url: string, id: string, backend: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-webgpu",
      "worker/main.ts",
      ...["--nats", url, "--id", id, "--cluster", "hetero", "--backend", backend],
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

/** The stages run one after another in this process, each with its worker's providers. */
async function runStagesHere(
  model: Model,
  stages: readonly PlacedStage[],
  feeds: Record<string, Tensor>,
): Promise<{ outputs: Record<string, Tensor>; onGpu: number[] }> {
  const graph = model.graph, opset = model.opsets.get("") ?? 1;
  const types = inferShapes(graph, opset), live = liveAcrossCuts(graph);
  let values = { ...feeds };
  const onGpu: number[] = [];
  for (const s of stages) {
    const stage = { ...model, graph: extractStage(graph, s.start, s.end, types, live) };
    const session = await InferenceSession.create(encodeModel(stage), {
      graphOptimizationLevel: "disabled",
      executionProviders: s.backend === "webgpu" ? ["webgpu", "wasm"] : ["wasm"],
    });
    try {
      const stageFeeds = Object.fromEntries(session.inputNames.map((n) => [n, values[n]]));
      values = { ...values, ...await session.run(stageFeeds) };
      onGpu.push([...session.placement.values()].filter((b) => b === "webgpu").length);
    } finally {
      session.release();
    }
  }
  const outputs = Object.fromEntries(graph.outputs.map((o) => [o.name, values[o.name]]));
  return { outputs, onGpu };
}

function assertBitExact(got: Record<string, Tensor>, want: Record<string, Tensor>): void {
  for (const [name, w] of Object.entries(want)) {
    assert.deepEqual(got[name].dims, w.dims);
    assert.deepEqual(
      new Uint8Array(got[name].data.buffer),
      new Uint8Array(w.data.buffer),
      `output "${name}" differs from the single-process run of the same stages`,
    );
  }
}

Deno.test({
  name: "a WASM worker and a WebGPU worker share PP-OCRv2 cls and match one process exactly",
  ignore: !ADAPTER,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startNatsServer();
    const workers = [
      spawnWorker(server.url, "cpu", "wasm"),
      spawnWorker(server.url, "gpu", "webgpu"),
    ];
    const bus = await connectNats({ servers: server.url });
    const cluster = new Cluster(bus, new Subjects("hetero"));
    try {
      await cluster.membership.waitFor(2, 60_000);
      const gpu = cluster.membership.get("gpu")!.info;
      assert.deepEqual(gpu.backends, ["webgpu", "wasm"]);
      assert.ok(gpu.adapter.length > 0, "the WebGPU worker names its adapter");
      assert.ok(gpu.gflops["webgpu.compute"] > 0 && gpu.gflops["webgpu.memory"] > 0);
      assert.deepEqual(cluster.membership.get("cpu")!.info.backends, ["wasm"]);

      const { model } = await prepareModel(await Deno.readFile(modelPath(CLS)));
      const cls = await cluster.load("cls", "1", model, { stages: 2 });
      const holders = cls.stages.map((s) => s.workers[0]);
      assert.deepEqual([...holders].sort(), ["cpu", "gpu"], "each worker holds a stage");
      for (const s of cls.stages) {
        assert.equal(s.backend, s.workers[0] === "gpu" ? "webgpu" : "wasm");
      }

      const { inputs, outputs: reference } = loadModelCase(CLS);
      const got = await cls.run(inputs, 120_000);
      const here = await runStagesHere(model, cls.stages, inputs);
      assertBitExact(got, here.outputs);
      const gpuStage = cls.stages.findIndex((s) => s.backend === "webgpu");
      assert.ok(here.onGpu[gpuStage] > 0, "the WebGPU worker's stage runs nodes on WebGPU");
      for (const ref of reference) {
        const diff = maxAbsDiff(got[ref.name], ref.tensor);
        assert.ok(diff <= ref.tolerance, `"${ref.name}" is ${diff} from ONNX Runtime`);
      }
      console.log(
        cls.stages.map((s) =>
          `stage ${s.index}: nodes [${s.start}, ${s.end}) on ${s.workers[0]} (${s.backend}), ` +
          `${here.onGpu[s.index]} on WebGPU`
        ).join("\n"),
      );
    } finally {
      await cluster.close();
      for (const w of workers) w.kill("SIGKILL");
      await Promise.all(workers.map((w) => w.status));
      await bus.close();
    }
  },
});
