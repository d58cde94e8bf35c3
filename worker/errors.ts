/**
 * Errors of the worker layer: bad feeds and failing nodes.
 * @module
 */

/** A feed does not match the model's inputs (name, type or shape). */
export class InputError extends Error {
  override name = "InputError";
  constructor(readonly inputName: string, message: string) {
    super(message);
  }
}

/** A node failed while running; `cause` holds the underlying error. */
export class ExecutionError extends Error {
  override name = "ExecutionError";
  constructor(
    readonly nodeName: string,
    readonly opType: string,
    options: ErrorOptions & { cause: unknown },
  ) {
    super(
      `Cannot run node "${nodeName}" (${opType}): ${
        (options.cause as Error)?.message ?? String(options.cause)
      }`,
      options,
    );
  }
}

/** The session was released and cannot run any more. */
export class SessionReleasedError extends Error {
  override name = "SessionReleasedError";
  constructor() {
    super("Cannot run the session: it was released");
  }
}

/**
 * An execution provider that this machine cannot offer (no WebGPU adapter, say).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const e = new BackendUnavailableError("webgpu", "no adapter was found");
 * assert.match(e.message, /webgpu.*no adapter/);
 * ```
 */
export class BackendUnavailableError extends Error {
  override name = "BackendUnavailableError";
  constructor(readonly backend: string, reason: string) {
    super(`Execution provider "${backend}" is not available: ${reason}`);
  }
}
