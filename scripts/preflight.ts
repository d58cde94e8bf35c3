/**
 * Checks, before the test suite runs, that this machine has what the tests start for real:
 * a nats-server binary and a WebGPU adapter (on machines without a GPU, Mesa's lavapipe
 * CPU Vulkan driver). Prints one message naming everything missing and how to install it.
 * @module
 */

/** Whether `nats-server` runs here. */
async function hasNatsServer(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("nats-server", { args: ["--version"] }).output();
    return success;
  } catch {
    return false;
  }
}

/** Whether WebGPU offers an adapter (Deno must run with --unstable-webgpu). */
async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: GPU }).gpu;
  return (await gpu?.requestAdapter()) != null;
}

const missing: { what: string; packages: string[] }[] = [];
if (!(await hasNatsServer())) missing.push({ what: "nats-server", packages: ["nats-server"] });
if (!(await hasWebGpuAdapter())) {
  missing.push({
    what: "a WebGPU adapter (a Vulkan driver; lavapipe runs on the CPU)",
    packages: ["mesa-vulkan-drivers", "libvulkan1"],
  });
}
if (missing.length > 0) {
  console.error(
    `meshrt's tests need ${missing.map((m) => m.what).join(" and ")}.\n` +
      `Install with: sudo apt-get install -y ${missing.flatMap((m) => m.packages).join(" ")}\n` +
      "(or run .ci/run, which installs everything a fresh Debian machine lacks)",
  );
  Deno.exit(1);
}
