/**
 * Reading a request body under a size limit, so a large upload costs at most `limit`
 * bytes of memory.
 * @module
 */
import { PayloadTooLargeError } from "./errors.ts";

/**
 * Reads the whole body of a request.
 * @param request the request
 * @param limit most bytes accepted
 * @returns the body
 * @throws {PayloadTooLargeError} when it is longer
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const body = await readBody(new Request("http://x/", { method: "POST", body: "abc" }), 10);
 * assert.equal(body.length, 3);
 * ```
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
