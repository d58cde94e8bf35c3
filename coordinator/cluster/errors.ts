/**
 * Errors of the cluster: a stage that failed a request, a request past its deadline.
 * @module
 */

/** A stage threw while running a request; only that request fails. */
export class StageFailedError extends Error {
  override name = "StageFailedError";
  constructor(readonly stage: number, readonly code: string, detail: string) {
    super(`Stage ${stage} failed the request: ${code}: ${detail}`);
  }
}

/** A request did not complete before its deadline. */
export class DeadlineExceededError extends Error {
  override name = "DeadlineExceededError";
  constructor(readonly requestId: string, readonly deadlineMs: number) {
    super(`Cannot complete request "${requestId}": its deadline of ${deadlineMs} ms passed`);
  }
}

/** No worker (or not enough of them) can take a model's stages. */
export class NoCapacityError extends Error {
  override name = "NoCapacityError";
}
