import assert from "node:assert/strict";
import { makeRepository, serveForTest } from "./serve_helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

/** Runs headless Chromium; fails (never skips) when it is missing, as CI installs it. */
async function chromium(args: string[]): Promise<string> {
  if (!(await Deno.stat(CHROMIUM).then(() => true, () => false))) {
    throw new Error(
      `Cannot test the dashboard: "${CHROMIUM}" is missing (install it: apt-get install -y chromium)`,
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "meshrt-chromium-" });
  try {
    const { stdout } = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--window-size=1200,800",
        "--virtual-time-budget=3000",
        ...args,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

Deno.test("serve: the dashboard renders the loaded model, its stages and the workers in Chromium", async () => {
  const relu = await Deno.readFile(new URL("./data/relu.onnx", import.meta.url));
  await using server = await serveForTest({
    modelsDir: await makeRepository({ "dashmodel/1/model.onnx": relu }),
  });
  const dom = await chromium(["--dump-dom", `${server.url}/`]);
  assert.match(dom, /<td>dashmodel<\/td>/);
  assert.match(dom, /local-0/);
  assert.match(dom, /1 models, 1 workers/);
  const shot = `${await Deno.makeTempDir()}/dashboard.png`;
  await chromium([`--screenshot=${shot}`, `${server.url}/`]);
  const png = await Deno.readFile(shot);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG was written");
  assert.ok(png.length > 5000, "the screenshot has content");
});
