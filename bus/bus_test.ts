import assert from "node:assert/strict";
import type { Bus } from "./bus.ts";
import { MemoryHub } from "./memory_bus.ts";
import { connectNats } from "./nats_bus.ts";
import { NoRespondersError } from "./errors.ts";
import { receiveFrames, sendFrame } from "./frames.ts";
import { startNatsServer } from "../tests/nats_server.ts";

/** The bus contract, run against both implementations. */
async function contract(a: Bus, b: Bus): Promise<void> {
  const got: string[] = [];
  const sub = b.subscribe("t.*.x", (m) => got.push(m.subject));
  await b.flush();
  a.publish("t.1.x", new Uint8Array([1]));
  a.publish("t.1.y", new Uint8Array([1]));
  await a.flush();
  await waitFor(() => got.length === 1);
  assert.deepEqual(got, ["t.1.x"]);
  sub.unsubscribe();

  const counts = [0, 0];
  const q1 = b.subscribe("work", () => counts[0]++, { queue: "g" });
  const q2 = a.subscribe("work", () => counts[1]++, { queue: "g" });
  await Promise.all([a.flush(), b.flush()]);
  for (let i = 0; i < 40; i++) a.publish("work", new Uint8Array([i]));
  await waitFor(() => counts[0] + counts[1] === 40);
  assert.equal(counts[0] + counts[1], 40, "each queued message reaches exactly one member");
  q1.unsubscribe();
  q2.unsubscribe();

  await assert.rejects(a.request("nobody.home", new Uint8Array([1]), 2000), NoRespondersError);
}

async function bigFrame(a: Bus, b: Bus, asParts = false): Promise<void> {
  const data = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const received = new Promise<Uint8Array>((resolve) =>
    receiveFrames(b, "frames", (f) => resolve(f.data), { queue: "stage" })
  );
  await b.flush();
  // Odd part sizes, so that parts straddle chunk boundaries.
  const cuts = [0, 3, 1_500_001, 1_500_001, 7_777_777, data.length];
  const parts = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
  await sendFrame(a, "frames", asParts ? parts : data);
  assert.deepEqual(await received, data);
}

async function waitFor(done: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

Deno.test("the in-process bus routes wildcards, queue groups and no-responders like NATS", async () => {
  const hub = new MemoryHub();
  await contract(hub.connect(), hub.connect());
});

Deno.test("the NATS bus routes wildcards, queue groups and no-responders", async () => {
  await using server = await startNatsServer();
  const a = await connectNats({ servers: server.url }),
    b = await connectNats({ servers: server.url });
  try {
    await contract(a, b);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("a 10 MB frame crosses a NATS server with max_payload 1 MiB, checksummed", async () => {
  await using server = await startNatsServer({ maxPayload: 1024 * 1024 });
  const a = await connectNats({ servers: server.url }),
    b = await connectNats({ servers: server.url });
  try {
    assert.equal(a.maxPayload, 1024 * 1024);
    await bigFrame(a, b);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("a frame sent as parts arrives whole, in process and chunked over NATS", async () => {
  const hub = new MemoryHub();
  await bigFrame(hub.connect(), hub.connect(), true);
  await using server = await startNatsServer({ maxPayload: 1024 * 1024 });
  const a = await connectNats({ servers: server.url }),
    b = await connectNats({ servers: server.url });
  try {
    await bigFrame(a, b, true);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("the in-process bus reaches a Web Worker over a MessagePort", async () => {
  const hub = new MemoryHub();
  const worker = new Worker(new URL("./echo_worker_test_fixture.ts", import.meta.url), {
    type: "module",
  });
  const channel = new MessageChannel();
  hub.attach(channel.port1);
  worker.postMessage(channel.port2, [channel.port2]);
  const bus = hub.connect();
  try {
    let answer: Uint8Array | undefined;
    for (let i = 0; i < 50 && !answer; i++) {
      answer = await bus.request("echo", new Uint8Array([4, 2]), 200).catch(() =>
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))
      );
    }
    assert.deepEqual(answer, new Uint8Array([4, 2]));
    worker.terminate();
    hub.detach(channel.port1);
    await assert.rejects(bus.request("echo", new Uint8Array([1]), 2000), NoRespondersError);
  } finally {
    worker.terminate();
    channel.port1.close();
  }
});
