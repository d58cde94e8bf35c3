import assert from "node:assert/strict";

const read = (name: string) => Deno.readFile(new URL(`./pkg/${name}`, import.meta.url));

Deno.test("both kernel builds validate and export the same kernels", async () => {
  const relaxed = await read("meshrt_kernels_relaxed.wasm");
  const simd = await read("meshrt_kernels_simd.wasm");
  assert.ok(WebAssembly.validate(relaxed) && WebAssembly.validate(simd));
  const names = async (bytes: Uint8Array<ArrayBuffer>) =>
    WebAssembly.Module.exports(await WebAssembly.compile(bytes)).map((e) => e.name).sort();
  assert.deepEqual(await names(simd), await names(relaxed));
  assert.notDeepEqual(simd, relaxed, "the fallback build is built without relaxed-simd");
});
