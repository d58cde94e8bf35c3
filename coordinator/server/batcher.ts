/**
 * Dynamic batching: concurrent requests whose inputs agree past dim 0 are concatenated
 * along dim 0, run once, and the outputs split back by each request's rows. A request
 * that finds the model with a free execution slot runs at once; requests that find every
 * slot busy gather until a slot frees, the batch is full or preferred, or the delay ends,
 * so batching costs no latency when the model is idle.
 * @module
 */
import { typedAlloc } from "../../graph/dtype.ts";
import { Tensor } from "../../graph/tensor.ts";

type Feeds = Record<string, Tensor>;

/** How a {@linkcode Batcher} gathers. */
export interface BatchPolicy {
  /** Most rows in one batch. */
  maxBatch: number;
  /** Longest a request waits for company, ms. */
  delayMs: number;
  /** Batch sizes run at once when reached. */
  preferred: number[];
  /** Executions the model runs at once (its pipeline stages and replicas). */
  slots: () => number;
}

interface Waiting {
  feeds: Feeds;
  rows: number;
  started: () => void;
  resolve: (outputs: Feeds) => void;
  reject: (e: unknown) => void;
}

interface Group {
  items: Waiting[];
  rows: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Gathers requests into batches for `run`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "../../graph/tensor.ts";
 * const sizes: number[] = [];
 * const run = (f: Record<string, Tensor>, rows: number) => (sizes.push(rows), Promise.resolve({ y: f.x }));
 * const b = new Batcher(run, { maxBatch: 4, delayMs: 5, preferred: [], slots: () => 1 });
 * const x = new Tensor("float32", [1, 2], [1, 2]);
 * const [a] = await Promise.all([b.submit({ x }), b.submit({ x }), b.submit({ x })]);
 * assert.deepEqual(a.y.dims, [1, 2]);
 * assert.deepEqual(sizes, [1, 2]); // the first ran at once, the others waited for its slot
 * ```
 */
export class Batcher {
  /** Gathering groups, oldest first. */
  readonly #groups = new Map<string, Group>();
  #running = 0;

  /**
   * @param run runs one (batched) request of `rows` rows
   * @param policy sizes and delay
   */
  constructor(
    readonly run: (feeds: Feeds, rows: number) => Promise<Feeds>,
    readonly policy: BatchPolicy,
  ) {}

  /**
   * Queues a request; resolves with its own rows of the batch's outputs.
   * @param started called when its batch starts running (ends its queue time)
   */
  submit(feeds: Feeds, started: () => void = () => {}): Promise<Feeds> {
    const rows = batchRows(feeds);
    return new Promise((resolve, reject) => {
      const item = { feeds, rows, started, resolve, reject };
      if (rows === 0 || rows >= this.policy.maxBatch) return this.#start([item]);
      const key = groupKey(feeds);
      let group = this.#groups.get(key);
      if (group && group.rows + rows > this.policy.maxBatch) this.#flush(key);
      group = this.#groups.get(key) ?? { items: [], rows: 0 };
      this.#groups.set(key, group);
      group.items.push(item);
      group.rows += rows;
      const full = group.rows >= this.policy.maxBatch || this.policy.preferred.includes(group.rows);
      if (full || this.#running < this.policy.slots()) this.#flush(key);
      else group.timer ??= setTimeout(() => this.#flush(key), this.policy.delayMs);
    });
  }

  #flush(key: string): void {
    const group = this.#groups.get(key);
    if (!group) return;
    this.#groups.delete(key);
    clearTimeout(group.timer);
    this.#start(group.items);
  }

  async #start(items: Waiting[]): Promise<void> {
    // A request whose inputs disagree on dim 0 runs alone: one row as statistics count it.
    const rows = items.reduce((a, w) => a + w.rows, 0) || 1;
    items.forEach((w) => w.started());
    this.#running++;
    try {
      if (items.length === 1) return items[0].resolve(await this.run(items[0].feeds, rows));
      const outputs = await this.run(concatFeeds(items.map((w) => w.feeds)), rows);
      const parts = splitFeeds(outputs, items.map((w) => w.rows));
      items.forEach((w, i) => w.resolve(parts[i]));
    } catch (e) {
      for (const w of items) w.reject(e);
    } finally {
      this.#running--;
      // A slot is free: the oldest gathering group need not wait out its delay.
      const oldest = this.#groups.keys().next();
      if (!oldest.done && this.#running < this.policy.slots()) this.#flush(oldest.value);
    }
  }
}

/** Rows of a request: the dim 0 every input shares; 0 (run alone) when they disagree. */
function batchRows(feeds: Feeds): number {
  const firsts = Object.values(feeds).map((t) => t.dims[0] ?? 0);
  return firsts.every((d) => d === firsts[0]) ? firsts[0] ?? 0 : 0;
}

/** Requests batch together when every input has the same name, type and dims past dim 0. */
function groupKey(feeds: Feeds): string {
  return Object.entries(feeds).sort(([a], [b]) => a < b ? -1 : 1)
    .map(([name, t]) => `${name}:${t.type}:${t.dims.slice(1)}`).join("|");
}

function concatFeeds(all: Feeds[]): Feeds {
  const out: Feeds = {};
  for (const name of Object.keys(all[0])) {
    const parts = all.map((f) => f[name]);
    const rows = parts.reduce((a, t) => a + t.dims[0], 0);
    const data = typedAlloc(parts[0].type, parts.reduce((a, t) => a + t.size, 0));
    let at = 0;
    for (const t of parts) {
      (data as Uint8Array).set(t.data as Uint8Array, at);
      at += t.size;
    }
    out[name] = new Tensor(parts[0].type, data, [rows, ...parts[0].dims.slice(1)]);
  }
  return out;
}

function splitFeeds(outputs: Feeds, rows: number[]): Feeds[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const parts: Feeds[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if (t.dims[0] !== total) {
      throw new Error(
        `Cannot split batched output "${name}": its dim 0 is ${t.dims[0]}, expected ${total} rows`,
      );
    }
    const rowSize = t.size / total;
    let row = 0;
    rows.forEach((n, i) => {
      const data = t.data.slice(row * rowSize, (row + n) * rowSize);
      parts[i][name] = new Tensor(t.type, data, [n, ...t.dims.slice(1)]);
      row += n;
    });
  }
  return parts;
}
