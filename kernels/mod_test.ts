import assert from "node:assert/strict";

const read = (name: string) => Deno.readFile(new URL(`./pkg/${name}`, import.meta.url));
const compile = async (name: string) => WebAssembly.compile(await read(name));
const kernelNames = (m: WebAssembly.Module) =>
  WebAssembly.Module.exports(m).filter((e) => e.kind === "function").map((e) => e.name).sort();

Deno.test("both kernel builds validate and export the same kernels", async () => {
  const relaxed = await read("meshrt_kernels_relaxed.wasm");
  const simd = await read("meshrt_kernels_simd.wasm");
  assert.ok(WebAssembly.validate(relaxed) && WebAssembly.validate(simd));
  const names = async (bytes: Uint8Array<ArrayBuffer>) =>
    WebAssembly.Module.exports(await WebAssembly.compile(bytes)).map((e) => e.name).sort();
  assert.deepEqual(await names(simd), await names(relaxed));
  assert.notDeepEqual(simd, relaxed, "the fallback build is built without relaxed-simd");
});

Deno.test("the threaded builds import a shared memory and export the same kernels", async () => {
  const plain = kernelNames(await compile("meshrt_kernels_relaxed.wasm"));
  for (const variant of ["relaxed", "simd"]) {
    const m = await compile(`meshrt_kernels_${variant}_threads.wasm`);
    assert.deepEqual(kernelNames(m), plain, variant);
    assert.deepEqual(WebAssembly.Module.imports(m), [{
      module: "env",
      name: "memory",
      kind: "memory",
    }]);
    assert.ok(WebAssembly.Module.exports(m).some((e) => e.name === "__stack_pointer"));
  }
  assert.notDeepEqual(
    await read("meshrt_kernels_simd_threads.wasm"),
    await read("meshrt_kernels_relaxed_threads.wasm"),
    "the threaded fallback build is built without relaxed-simd",
  );
});
