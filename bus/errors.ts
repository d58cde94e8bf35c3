/**
 * Errors of the bus layer.
 * @module
 */

/** A request found no subscriber on its subject. */
export class NoRespondersError extends Error {
  override name = "NoRespondersError";
  constructor(readonly subject: string) {
    super(`Cannot deliver request to "${subject}": no subscriber`);
  }
}

/** A request got no answer in time. */
export class BusTimeoutError extends Error {
  override name = "BusTimeoutError";
  constructor(readonly subject: string, readonly timeoutMs: number) {
    super(`Cannot get an answer from "${subject}": no reply within ${timeoutMs} ms`);
  }
}

/** A reassembled frame does not match the checksum its sender computed. */
export class ChecksumError extends Error {
  override name = "ChecksumError";
  constructor(readonly transferId: string) {
    super(`Cannot reassemble transfer "${transferId}": checksum mismatch`);
  }
}
