/**
 * An infer request's body (JSON, or JSON then raw tensor bytes with the binary extension)
 * into feeds, and the outputs back into a response body.
 * @module
 */
import type { Tensor } from "../../graph/tensor.ts";
import { v2Datatype } from "./datatypes.ts";
import { BadRequestError } from "./errors.ts";
import { decodeTensor, jsonData, rawBytes, type V2Tensor } from "./tensor_codec.ts";

/** The header that gives the JSON part's length in a binary-extension body. */
export const HEADER_LENGTH = "Inference-Header-Content-Length";

/** A requested output: its name, and whether to send it as raw bytes. */
export interface RequestedOutput {
  name: string;
  binary: boolean;
}

/** A parsed infer request. */
export interface InferRequest {
  id?: string;
  feeds: Record<string, Tensor>;
  /** Outputs to return; undefined for all of them. */
  outputs?: RequestedOutput[];
  /** Whether outputs not listed one by one go as raw bytes. */
  binaryDefault: boolean;
}

interface RequestJson {
  id?: unknown;
  inputs?: V2Tensor[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
  parameters?: Record<string, unknown>;
}

/**
 * Parses an infer request body.
 * @param body the raw body
 * @param headerLength the Inference-Header-Content-Length value, if any
 * @returns the request
 * @throws {BadRequestError} on malformed JSON or tensors
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const body = new TextEncoder().encode(
 *   JSON.stringify({ inputs: [{ name: "x", shape: [1], datatype: "FP32", data: [1] }] }),
 * );
 * assert.equal(parseInferRequest(body).feeds.x.size, 1);
 * ```
 */
export function parseInferRequest(body: Uint8Array, headerLength?: string | null): InferRequest {
  const split = headerLength == null ? body.length : Number(headerLength);
  if (!Number.isSafeInteger(split) || split < 0 || split > body.length) {
    throw new BadRequestError(`Cannot parse the request: bad ${HEADER_LENGTH} "${headerLength}"`);
  }
  const json = parseJson(body.subarray(0, split)) as RequestJson;
  if (!json || typeof json !== "object" || !Array.isArray(json.inputs)) {
    throw new BadRequestError('Cannot parse the request: "inputs" must be an array');
  }
  let offset = split;
  const feeds: Record<string, Tensor> = {};
  for (const input of json.inputs) {
    const size = input?.parameters?.binary_data_size;
    let bytes: Uint8Array | undefined;
    if (size !== undefined) {
      if (typeof size !== "number" || offset + size > body.length) {
        throw new BadRequestError(
          `Cannot read input "${input.name}": binary_data_size ${size} overruns the body`,
          input.name,
        );
      }
      bytes = body.subarray(offset, offset + size);
      offset += size;
    }
    const t = decodeTensor(input, bytes);
    if (feeds[input.name]) {
      throw new BadRequestError(`Cannot read input "${input.name}": it is given twice`, input.name);
    }
    feeds[input.name] = t;
  }
  const binaryDefault = json.parameters?.binary_data_output === true;
  return {
    id: json.id === undefined ? undefined : String(json.id),
    feeds,
    outputs: json.outputs?.map((o) => ({
      name: String(o?.name),
      binary: (o?.parameters?.binary_data ?? binaryDefault) === true,
    })),
    binaryDefault,
  };
}

/**
 * Parses JSON bytes.
 * @param bytes UTF-8 JSON
 * @returns the value
 * @throws {BadRequestError} when the bytes are not JSON
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJson(new TextEncoder().encode("[1]")), [1]);
 * ```
 */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new BadRequestError("Cannot parse the request: the body is not valid JSON");
  }
}

/** What the response names besides the outputs. */
export interface ResponseHead {
  model_name: string;
  model_version: string;
  id?: string;
}

/**
 * Builds the infer response: JSON, or JSON then raw bytes when any output goes binary.
 * @param head model name, version and request id
 * @param request the parsed request (which outputs, in which form)
 * @param outputs the model's outputs
 * @returns the response
 * @throws {BadRequestError} when a requested output does not exist
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * const r = inferResponse({ model_name: "m", model_version: "1" }, { feeds: {}, binaryDefault: false }, { y: new Tensor("float32", [1]) });
 * assert.equal((await r.json()).outputs[0].datatype, "FP32");
 * ```
 */
export function inferResponse(
  head: ResponseHead,
  request: InferRequest,
  outputs: Record<string, Tensor>,
): Response {
  const wanted = request.outputs ??
    Object.keys(outputs).map((name) => ({ name, binary: request.binaryDefault }));
  const chunks: Uint8Array[] = [];
  const entries = wanted.map(({ name, binary }) => {
    const t = outputs[name];
    if (!t) throw new BadRequestError(`Cannot return output "${name}": the model has none`, name);
    const entry = { name, datatype: v2Datatype(t.type), shape: [...t.dims] };
    if (!binary) return { ...entry, data: jsonData(t) };
    const bytes = rawBytes(t);
    chunks.push(bytes);
    return { ...entry, parameters: { binary_data_size: bytes.length } };
  });
  const json = JSON.stringify({ ...head, outputs: entries });
  if (chunks.length === 0) {
    return new Response(json, { headers: { "content-type": "application/json" } });
  }
  const header = new TextEncoder().encode(json);
  return new Response(new Blob([header, ...chunks] as BlobPart[]), {
    headers: {
      "content-type": "application/octet-stream",
      [HEADER_LENGTH]: String(header.length),
    },
  });
}
