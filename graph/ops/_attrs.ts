/**
 * Typed attribute reads with defaults, so op files parse attributes in one line each.
 * @module
 */
import type { Attribute, Graph, HostTensor, Node } from "../ir.ts";
import { ShapeError } from "../errors.ts";

type AttrValues = { [A in Attribute as A["kind"]]: A["value"] };

function get<K extends Attribute["kind"]>(
  node: Node,
  name: string,
  kinds: K[],
): AttrValues[K] | undefined {
  const a = node.attributes.get(name);
  if (!a) return undefined;
  if (!(kinds as string[]).includes(a.kind)) {
    throw new ShapeError(
      node.name,
      node.opType,
      `attribute "${name}" is ${a.kind}, expected ${kinds.join(" or ")}`,
    );
  }
  return a.value as unknown as AttrValues[K];
}

/** An int attribute, or `fallback`. */
export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  return get(node, name, ["int"]) ?? fallback;
}

/** A float attribute (ints accepted), or `fallback`. */
export function attrFloat(node: Node, name: string, fallback: number): number;
export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, fallback?: number): number | undefined {
  return get(node, name, ["float", "int"]) ?? fallback;
}

/** A string attribute, or `fallback`. */
export function attrString(node: Node, name: string, fallback: string): string;
export function attrString(node: Node, name: string): string | undefined;
export function attrString(node: Node, name: string, fallback?: string): string | undefined {
  return get(node, name, ["string"]) ?? fallback;
}

/** An ints attribute, or `fallback`. */
export function attrInts(node: Node, name: string, fallback: number[]): number[];
export function attrInts(node: Node, name: string): number[] | undefined;
export function attrInts(node: Node, name: string, fallback?: number[]): number[] | undefined {
  return get(node, name, ["ints"]) ?? fallback;
}

/** A floats attribute, or `fallback`. */
export function attrFloats(node: Node, name: string, fallback: number[]): number[];
export function attrFloats(node: Node, name: string): number[] | undefined;
export function attrFloats(node: Node, name: string, fallback?: number[]): number[] | undefined {
  return get(node, name, ["floats"]) ?? fallback;
}

/** A strings attribute, or `fallback`. */
export function attrStrings(node: Node, name: string, fallback: string[]): string[] {
  return get(node, name, ["strings"]) ?? fallback;
}

/** A tensor attribute. */
export function attrTensor(node: Node, name: string): HostTensor | undefined {
  return get(node, name, ["tensor"]);
}

/** A graph attribute (If branches, Loop body). */
export function attrGraph(node: Node, name: string): Graph {
  const g = get(node, name, ["graph"]);
  if (!g) throw new ShapeError(node.name, node.opType, `attribute "${name}" is missing`);
  return g;
}
