/**
 * One WASM linear memory shared by every tensor of a session: weights stay for the
 * session's life, activations take and give back blocks as their lifetimes end.
 * @module
 */

const ALIGN = 64;
const PAGE = 65536;

interface Block {
  offset: number;
  bytes: number;
}

/**
 * A first-fit allocator with coalescing over a growable `WebAssembly.Memory`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const arena = new Arena(new WebAssembly.Memory({ initial: 1 }), 0);
 * const a = arena.alloc(100);
 * arena.free(a, 100);
 * assert.equal(arena.alloc(64), a);
 * ```
 */
export class Arena {
  readonly #free: Block[] = [];
  #top: number;
  #inUse = 0;
  #peak = 0;

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.#top = align(base);
  }

  /** Bytes in use right now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Most bytes ever in use at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Starts a new peak measurement from the bytes in use now. */
  resetPeak(): void {
    this.#peak = this.#inUse;
  }

  /** Raises the peak to at least `bytes` (a replayed run's own peak). */
  raisePeak(bytes: number): void {
    this.#peak = Math.max(this.#peak, bytes);
  }

  /** The allocator's whole state, for {@linkcode matches} and {@linkcode restore}. */
  snapshot(): number[] {
    return [this.#top, this.#inUse, ...this.#free.flatMap((b) => [b.offset, b.bytes])];
  }

  /** Whether the state is the one `snapshot` took (so the same calls get the same blocks). */
  matches(snapshot: readonly number[]): boolean {
    if (snapshot.length !== 2 + 2 * this.#free.length) return false;
    if (snapshot[0] !== this.#top || snapshot[1] !== this.#inUse) return false;
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i];
      if (snapshot[2 + 2 * i] !== b.offset || snapshot[3 + 2 * i] !== b.bytes) return false;
    }
    return true;
  }

  /**
   * Sets the state to `snapshot`, taken at the end of a run that started where this one
   * stands: the blocks that run left taken are taken, the rest free. The peak is the
   * caller's to raise ({@linkcode raisePeak}) to that run's.
   */
  restore(snapshot: readonly number[]): void {
    this.#top = snapshot[0];
    this.#inUse = snapshot[1];
    this.#free.length = 0;
    for (let i = 2; i < snapshot.length; i += 2) {
      this.#free.push({ offset: snapshot[i], bytes: snapshot[i + 1] });
    }
  }

  /** Reserves `bytes` (rounded up to 64) and returns the offset. */
  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    this.#inUse += size;
    this.#peak = Math.max(this.#peak, this.#inUse);
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i];
      if (b.bytes < size) continue;
      const offset = b.offset;
      if (b.bytes === size) removeAt(this.#free, i);
      else {
        b.offset += size;
        b.bytes -= size;
      }
      return offset;
    }
    const offset = this.#top;
    this.#top += size;
    this.#ensure(this.#top);
    return offset;
  }

  /** Returns a block taken with {@linkcode alloc}. */
  free(offset: number, bytes: number): void {
    const size = align(Math.max(bytes, 1));
    this.#inUse -= size;
    let i = 0;
    while (i < this.#free.length && this.#free[i].offset < offset) i++;
    insertAt(this.#free, i, { offset, bytes: size });
    this.#merge(i);
    if (i > 0) this.#merge(i - 1);
    const last = this.#free[this.#free.length - 1];
    if (last && last.offset + last.bytes === this.#top) {
      this.#top = last.offset;
      this.#free.pop();
    }
  }

  #merge(i: number): void {
    const a = this.#free[i], b = this.#free[i + 1];
    if (a && b && a.offset + a.bytes === b.offset) {
      a.bytes += b.bytes;
      removeAt(this.#free, i + 1);
    }
  }

  #ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    // Grow by at least a quarter of the memory so that a growing model grows rarely.
    this.memory.grow(Math.max(pages, Math.ceil(have / PAGE / 4)));
  }
}

/** `splice` without its array of removed elements: this runs a few times per node. */
function removeAt(blocks: Block[], i: number): void {
  blocks.copyWithin(i, i + 1);
  blocks.pop();
}

function insertAt(blocks: Block[], i: number, b: Block): void {
  blocks.push(b);
  blocks.copyWithin(i + 1, i, blocks.length - 1);
  blocks[i] = b;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
