/**
 * Byte lists sent as if concatenated, and the protobuf field headers that let large
 * `bytes` fields be referenced in such a list instead of copied into an encoding.
 * @module
 */

/** Bytes as one array or as parts to be read in order (never concatenated by the caller). */
export type Bytes = Uint8Array | readonly Uint8Array[];

/** The parts of `bytes`. */
export function partsOf(bytes: Bytes): readonly Uint8Array[] {
  return bytes instanceof Uint8Array ? [bytes] : bytes;
}

/** Total length of `parts`. */
export function totalLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** The tag and length that open a length-delimited protobuf field of `length` bytes. */
export function lengthDelimitedHeader(field: number, length: number): Uint8Array {
  const out: number[] = [];
  for (let v = (field << 3) | 2;; v >>>= 7) {
    if (v < 0x80) {
      out.push(v);
      break;
    }
    out.push((v & 0x7f) | 0x80);
  }
  for (let v = length;; v = Math.floor(v / 128)) {
    if (v < 0x80) {
      out.push(v);
      break;
    }
    out.push((v % 128) | 0x80);
  }
  return new Uint8Array(out);
}

/** Copies a byte range of a part list into arrays, in order, without joining the parts. */
export class PartReader {
  #part = 0;
  #offset = 0;

  constructor(readonly parts: readonly Uint8Array[]) {}

  /** Copies the next `length` bytes into `target` at `at`. */
  readInto(target: Uint8Array, at: number, length: number): void {
    while (length > 0) {
      const part = this.parts[this.#part];
      const n = Math.min(length, part.length - this.#offset);
      target.set(part.subarray(this.#offset, this.#offset + n), at);
      at += n;
      length -= n;
      this.#offset += n;
      if (this.#offset === part.length) {
        this.#part++;
        this.#offset = 0;
      }
    }
  }
}
