/**
 * The one place that turns an error into an HTTP status and a JSON body `{"error": "..."}`;
 * never a stack trace.
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DeadlineExceededError, NoCapacityError, StageFailedError } from "../cluster/errors.ts";
import { PartitionError } from "../partition/partition.ts";
import {
  ModelLoadError,
  ShapeError,
  UnsupportedDTypeError,
  UnsupportedOpError,
} from "../../graph/errors.ts";
import { InputError } from "../../worker/errors.ts";
import {
  BadRequestError,
  JobNotFoundError,
  ModelNotFoundError,
  ModelNotReadyError,
  OverloadedError,
  PayloadTooLargeError,
  UnauthorizedError,
} from "./errors.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

/** Status per error class, first match wins. */
const STATUS: [ErrorClass, ContentfulStatusCode][] = [
  [BadRequestError, 400],
  [InputError, 400],
  [ModelLoadError, 400],
  // A node whose inputs break its op's rules: the model or the request is at fault.
  [ShapeError, 400],
  [UnsupportedOpError, 400],
  [UnsupportedDTypeError, 400],
  [UnauthorizedError, 401],
  [ModelNotFoundError, 404],
  [JobNotFoundError, 404],
  [PayloadTooLargeError, 413],
  [OverloadedError, 503],
  [ModelNotReadyError, 503],
  [NoCapacityError, 503],
  [PartitionError, 503],
  [DeadlineExceededError, 504],
];

/** Worker-side error names that mean the request, not the server, was wrong. */
const CLIENT_STAGE_CODES = new Set(["InputError", "ShapeError", "RangeError", "TypeError"]);

/**
 * The HTTP status for an error.
 * @param error anything thrown by a handler
 * @returns a status code (500 for anything unexpected)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelNotFoundError } from "./errors.ts";
 * import { ShapeError } from "../../graph/errors.ts";
 * assert.equal(statusOf(new ModelNotFoundError("m")), 404);
 * assert.equal(statusOf(new ShapeError("conv", "Conv", "channels differ")), 400);
 * ```
 */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  if (error instanceof StageFailedError) return CLIENT_STAGE_CODES.has(error.code) ? 400 : 500;
  if (!(error instanceof Error)) return 500;
  return STATUS.find(([cls]) => error instanceof cls)?.[1] ?? 500;
}

/**
 * Hono's `onError` hook: `{"error": message}` with the mapped status (and Retry-After when
 * overloaded).
 * @param error the thrown error
 * @param c the request context
 * @returns the JSON error response
 * @example
 * ```ts ignore
 * app.onError(handleError);
 * ```
 */
export function handleError(error: unknown, c: Context): Response {
  const status = statusOf(error);
  if (error instanceof OverloadedError) c.header("Retry-After", String(error.retryAfterS));
  if (error instanceof UnauthorizedError) c.header("WWW-Authenticate", "Bearer");
  const message = error instanceof Error ? error.message : String(error);
  if (status === 500) console.error(`meshrt: request failed: ${message}`);
  return c.json({ error: message }, status);
}
