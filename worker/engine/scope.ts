/**
 * Values visible while a graph runs; a subgraph's scope falls back to its parent's.
 * @module
 */
import type { RuntimeTensor } from "./runtime_tensor.ts";

/** Named values of one graph execution. */
export class Scope {
  readonly values = new Map<string, RuntimeTensor>();
  /** Copies of values on the other side of the host/device boundary, by value name. */
  readonly mirrors = new Map<string, RuntimeTensor>();
  constructor(readonly parent?: Scope) {}

  /** The value of `name` here or in an enclosing scope. */
  get(name: string): RuntimeTensor | undefined {
    return this.values.get(name) ?? this.parent?.get(name);
  }

  /** The scope holding the value `name`: this one or an enclosing one. */
  owner(name: string): Scope | undefined {
    return this.values.has(name) ? this : this.parent?.owner(name);
  }
}
