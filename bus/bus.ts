/**
 * The transport contract everything above the bus speaks: subjects, publish/subscribe,
 * queue groups and request/reply. NATS and the in-process hub both implement it.
 * @module
 */

/** One delivered message. */
export interface BusMessage {
  subject: string;
  data: Uint8Array;
  /** Where the sender waits for an answer, if it does. */
  reply?: string;
  /** Set on the answer a requester gets when nobody subscribes to its subject. */
  noResponders?: boolean;
}

/** Receives messages; exceptions are the handler's own business. */
export type BusHandler = (msg: BusMessage) => void;

/** An active subscription. */
export interface BusSubscription {
  unsubscribe(): void;
}

/** Options of {@linkcode Bus.subscribe}. */
export interface SubscribeOptions {
  /** Subscribers sharing a queue name split the messages: each goes to one of them. */
  queue?: string;
}

/**
 * What moving bytes between two clients of a bus costs, as the partitioner weighs it. Each
 * transport states defaults measured on a 2-core machine; a deployment may give its own.
 */
export interface LinkProfile {
  /** Bytes per second the link carries. */
  bytesPerSec: number;
  /** Fixed latency of one hop, in ms. */
  hopMs: number;
  /**
   * CPU time each end spends per byte sent or received (encoding, copies, checksums,
   * socket work), in ms: on machines whose cores also compute, moving bytes slows stages.
   */
  cpuMsPerByte: number;
}

/** A connection to a message bus. */
export interface Bus {
  /** Largest payload one message may carry, in bytes. */
  readonly maxPayload: number;
  /** The cost of moving bytes over this bus. */
  readonly link: LinkProfile;
  publish(subject: string, data: Uint8Array, reply?: string): void;
  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription;
  /**
   * Sends and waits for the first answer.
   * @throws {NoRespondersError} when nobody subscribes to the subject
   * @throws {BusTimeoutError} when no answer comes in time
   */
  request(subject: string, data: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
  /** A fresh subject nobody else uses, for replies. */
  inbox(): string;
  /** Resolves once everything published so far has reached the bus. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
