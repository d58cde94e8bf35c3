/**
 * Errors of the HTTP layer, each one condition a client can act on; the error handler maps
 * them (and the lower layers' errors) to status codes.
 * @module
 */

/** No model (or model version) by this name is known. */
export class ModelNotFoundError extends Error {
  override name = "ModelNotFoundError";
  constructor(readonly model: string, readonly version?: string) {
    super(
      version === undefined
        ? `Cannot find model "${model}": it is not in the repository`
        : `Cannot find version "${version}" of model "${model}"`,
    );
  }
}

/** The model is known but not loaded (unloaded, loading, or failed to load). */
export class ModelNotReadyError extends Error {
  override name = "ModelNotReadyError";
  constructor(readonly model: string, state: string) {
    super(`Cannot serve model "${model}": it is ${state}`);
  }
}

/** A request tensor (or the request itself) is malformed; `tensor` names it when known. */
export class BadRequestError extends Error {
  override name = "BadRequestError";
  constructor(message: string, readonly tensor?: string) {
    super(message);
  }
}

/** The request body is larger than the server accepts. */
export class PayloadTooLargeError extends Error {
  override name = "PayloadTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`Cannot accept the request: its body is over the limit of ${limitBytes} bytes`);
  }
}

/** The model's queue is full: the client should retry after `retryAfterS` seconds. */
export class OverloadedError extends Error {
  override name = "OverloadedError";
  constructor(readonly model: string, readonly retryAfterS: number) {
    super(`Cannot queue a request for model "${model}": its queue is full`);
  }
}

/** The bearer token is missing or wrong. */
export class UnauthorizedError extends Error {
  override name = "UnauthorizedError";
  constructor() {
    super("Cannot authorize the request: a valid bearer token is required");
  }
}

/** No async job has this id (never submitted, or expired). */
export class JobNotFoundError extends Error {
  override name = "JobNotFoundError";
  constructor(readonly id: string) {
    super(`Cannot find job "${id}": it does not exist or has expired`);
  }
}
