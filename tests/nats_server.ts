/**
 * A throwaway nats-server for one test, disposed with `await using`.
 * @module
 */

/** A running nats-server. */
export interface NatsServer extends AsyncDisposable {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): void;
}

/** Options of {@linkcode startNatsServer}. */
export interface NatsServerOptions {
  /** Largest message payload the server accepts (its default is 1 MiB). */
  maxPayload?: number;
  /** Reuse this port (to restart a server where clients expect it). */
  port?: number;
  /** JetStream storage folder; a fresh temporary one by default. */
  storeDir?: string;
}

/**
 * Starts `nats-server` with JetStream on a free loopback port.
 * @throws {Error} with install instructions when nats-server is not on the PATH
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const dir = await Deno.makeTempDir({ prefix: "meshrt-nats-" });
  const storeDir = options.storeDir ?? `${dir}/js`;
  const config = `${dir}/server.conf`;
  await Deno.writeTextFile(
    config,
    [
      `listen: "127.0.0.1:${options.port ?? -1}"`,
      `max_payload: ${options.maxPayload ?? 1048576}`,
      `jetstream { store_dir: "${storeDir}" }`,
    ].join("\n"),
  );
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("nats-server", {
      args: ["-c", config],
      stderr: "piped",
      stdout: "null",
    })
      .spawn();
  } catch (cause) {
    throw new Error(
      "Cannot start nats-server: it is not installed (apt-get install -y nats-server, or run .ci/run)",
      { cause },
    );
  }
  const port = await readPort(child.stderr);
  let alive = true;
  const stop = () => {
    if (alive) child.kill("SIGKILL");
    alive = false;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill: stop,
    async [Symbol.asyncDispose]() {
      stop();
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function readPort(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
    const m = seen.match(/Listening for client connections on [\d.]+:(\d+)/);
    if (m) {
      // Keep draining so the server never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      return Number(m[1]);
    }
  }
  throw new Error(`Cannot start nats-server: it did not report its port (${seen.slice(-300)})`);
}
