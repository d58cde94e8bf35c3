import assert from "node:assert/strict";
import { startNatsServer } from "./nats_server.ts";
import { makeRepository, postJson } from "./serve_helpers.ts";

function spawn(script: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Reads a process's stdout until `pattern` matches; keeps draining after. */
async function waitForLine(child: Deno.ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Process ended before printing ${pattern}: ${seen}`);
    seen += value;
    const m = seen.match(pattern);
    if (m) {
      (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      return m;
    }
  }
}

async function startCoordinator(
  nats: string,
  dir: string,
): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = spawn("coordinator/main.ts", [
    "--nats",
    nats,
    "--models",
    dir,
    "--port",
    "0",
    "--hostname",
    "127.0.0.1",
    "--cluster",
    "jobs",
  ]);
  const [, url] = await waitForLine(child, /listening on (http:\/\/[\d.:]+)/);
  return { child, url };
}

async function startWorker(nats: string): Promise<Deno.ChildProcess> {
  const child = spawn("worker/main.ts", ["--nats", nats, "--cluster", "jobs"]);
  await waitForLine(child, /joined cluster/);
  return child;
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${url}/v2/health/ready`);
    await r.body?.cancel();
    if (r.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Coordinator never became ready");
}

async function kill(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await child.status;
}

Deno.test("serve: in NATS mode an accepted job survives a SIGKILLed coordinator and completes after restart", async () => {
  await using nats = await startNatsServer();
  const relu = await Deno.readFile(new URL("./data/relu.onnx", import.meta.url));
  const dir = await makeRepository({ "relu/1/model.onnx": relu });
  const children: Deno.ChildProcess[] = [];
  try {
    const worker = await startWorker(nats.url);
    const first = await startCoordinator(nats.url, dir);
    children.push(worker, first.child);
    await waitReady(first.url);
    // With its only worker gone, the job cannot finish before the coordinator dies.
    await kill(worker);
    const res = await postJson(`${first.url}/v1/jobs`, {
      model: "relu",
      inputs: [{ name: "x", shape: [2], datatype: "FP32", data: [-3, 3] }],
    });
    assert.equal(res.status, 202);
    const { id } = await res.json();
    await kill(first.child);

    children.push(await startWorker(nats.url));
    const second = await startCoordinator(nats.url, dir);
    children.push(second.child);
    let job;
    for (let i = 0; i < 600; i++) {
      const r = await fetch(`${second.url}/v1/jobs/${id}`);
      job = await r.json();
      if (job.status === "done" || job.status === "failed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(job.status, "done", JSON.stringify(job));
    assert.deepEqual(job.outputs[0].data, [0, 3]);
  } finally {
    for (const c of children) {
      try {
        c.kill("SIGKILL");
      } catch {
        // already exited
      }
      await c.status;
    }
  }
});
