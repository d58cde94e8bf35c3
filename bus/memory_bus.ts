/**
 * The in-process bus: a hub on the main thread that routes between local clients and
 * clients in Web Workers (over MessagePorts, payloads transferred, not copied), with the
 * same semantics as NATS: wildcards, queue groups, request/reply, no-responders.
 * @module
 */
import type {
  Bus,
  BusHandler,
  BusMessage,
  BusSubscription,
  LinkProfile,
  SubscribeOptions,
} from "./bus.ts";
import { BusTimeoutError, NoRespondersError } from "./errors.ts";
import { subjectMatches } from "./subject_match.ts";

/** What a client sends to the hub. */
type ToHub =
  | { op: "pub"; subject: string; data: Uint8Array; reply?: string }
  | { op: "sub"; sid: number; subject: string; queue?: string }
  | { op: "unsub"; sid: number };

/** What the hub sends to a client. */
type ToClient = { op: "msg"; sid: number; msg: BusMessage };

interface Route {
  deliver: (m: ToClient) => void;
  sid: number;
  subject: string;
  queue?: string;
}

/**
 * Routes messages between in-process clients.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const hub = new MemoryHub();
 * const a = hub.connect(), b = hub.connect();
 * b.subscribe("echo", (m) => b.publish(m.reply!, m.data));
 * assert.deepEqual(await a.request("echo", new Uint8Array([7])), new Uint8Array([7]));
 * ```
 */
export class MemoryHub {
  readonly #routes = new Set<Route>();
  readonly #ports = new Map<MessagePort, (m: ToClient) => void>();

  /** A client on this thread. */
  connect(): Bus {
    let deliverToClient: (m: ToClient) => void = () => {};
    const client = new MemoryBus((m) => this.#receive(m, deliverToClient));
    deliverToClient = (m) => client.deliver(m);
    return client;
  }

  /** Serves a client on the other end of `port` (see {@linkcode connectPort}). */
  attach(port: MessagePort): void {
    const deliver = (m: ToClient) => port.postMessage(m, [m.msg.data.buffer as ArrayBuffer]);
    port.onmessage = (e: MessageEvent<ToHub>) => this.#receive(e.data, deliver);
    this.#ports.set(port, deliver);
  }

  /**
   * Forgets the client behind `port` and its subscriptions, as a NATS server does when a
   * connection drops: requests to it then find no responders at once instead of timing out.
   */
  detach(port: MessagePort): void {
    const deliver = this.#ports.get(port);
    this.#ports.delete(port);
    port.onmessage = null;
    for (const r of this.#routes) if (r.deliver === deliver) this.#routes.delete(r);
  }

  #receive(m: ToHub, deliver: (m: ToClient) => void): void {
    if (m.op === "sub") {
      this.#routes.add({ deliver, sid: m.sid, subject: m.subject, queue: m.queue });
    } else if (m.op === "unsub") {
      for (const r of this.#routes) {
        if (r.deliver === deliver && r.sid === m.sid) this.#routes.delete(r);
      }
    } else this.#route(m);
  }

  #route(m: BusMessage): void {
    const queues = new Map<string, Route[]>();
    const direct: Route[] = [];
    for (const r of this.#routes) {
      if (!subjectMatches(r.subject, m.subject)) continue;
      if (r.queue) queues.set(r.queue, [...(queues.get(r.queue) ?? []), r]);
      else direct.push(r);
    }
    for (const members of queues.values()) {
      direct.push(members[Math.floor(Math.random() * members.length)]);
    }
    if (direct.length === 0 && m.reply) {
      this.#route({ subject: m.reply, data: new Uint8Array(0), noResponders: true });
      return;
    }
    direct.forEach((r, i) => {
      const data = i === direct.length - 1 ? m.data : m.data.slice();
      r.deliver({ op: "msg", sid: r.sid, msg: { ...m, data } });
    });
  }
}

/** Connects a Web Worker to a hub that {@linkcode MemoryHub.attach}ed the other port. */
export function connectPort(port: MessagePort): Bus {
  const client = new MemoryBus((m) => {
    const transfer = m.op === "pub" ? [m.data.buffer as ArrayBuffer] : [];
    port.postMessage(m, transfer);
  });
  port.onmessage = (e: MessageEvent<ToClient>) => client.deliver(e.data);
  return client;
}

let inboxCounter = 0;

/**
 * Payloads are transferred, not copied; what remains is one copy into the frame on the
 * sending side and one out of it (plus the engine's own copies in and out of WASM memory)
 * on the receiving side, at about 2 GB/s each.
 */
const MEMORY_LINK: LinkProfile = { bytesPerSec: 4e9, hopMs: 0.5, cpuMsPerByte: 1e-6 };

/** One client of a hub; sends through `send`, receives through `deliver`. */
class MemoryBus implements Bus {
  readonly maxPayload = Number.MAX_SAFE_INTEGER;
  readonly link = MEMORY_LINK;
  readonly #handlers = new Map<number, BusHandler>();
  #nextSid = 1;
  readonly #prefix = `_INBOX.${crypto.randomUUID().slice(0, 8)}`;

  constructor(readonly send: (m: ToHub) => void) {}

  deliver(m: ToClient): void {
    const handler = this.#handlers.get(m.sid);
    if (handler) queueMicrotask(() => handler(m.msg));
  }

  publish(subject: string, data: Uint8Array, reply?: string): void {
    this.send({ op: "pub", subject, data, reply });
  }

  subscribe(subject: string, handler: BusHandler, options: SubscribeOptions = {}): BusSubscription {
    const sid = this.#nextSid++;
    this.#handlers.set(sid, handler);
    this.send({ op: "sub", sid, subject, queue: options.queue });
    return {
      unsubscribe: () => {
        this.#handlers.delete(sid);
        this.send({ op: "unsub", sid });
      },
    };
  }

  request(subject: string, data: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
    const inbox = this.inbox();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(new BusTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      const sub = this.subscribe(inbox, (m) => {
        clearTimeout(timer);
        sub.unsubscribe();
        if (m.noResponders) reject(new NoRespondersError(subject));
        else resolve(m.data);
      });
      this.publish(subject, data, inbox);
    });
  }

  inbox(): string {
    return `${this.#prefix}.${inboxCounter++}`;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const sid of this.#handlers.keys()) this.send({ op: "unsub", sid });
    this.#handlers.clear();
    return Promise.resolve();
  }
}
