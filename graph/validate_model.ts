/**
 * The structural checks ONNX's checker makes, run once when a model loads so that a
 * malformed model fails then, naming the value or node at fault, instead of at run time.
 *
 * Nodes must come in topological order, as ONNX's IR spec requires ("MUST be free of
 * cycles" and topologically sorted): a node that reads a value a later node produces is
 * rejected, and the message says whether a valid order exists or the nodes form a cycle.
 * Declared dims may be zero (empty tensors are valid ONNX) but not negative.
 * @module
 */
import { ModelLoadError } from "./errors.ts";
import type { Graph, Model, Node, TensorType } from "./ir.ts";
import { findCycle } from "./_find_cycle.ts";
import { validateNode } from "./_validate_node.ts";
import { subgraphsOf } from "./reads.ts";

/**
 * The highest ai.onnx opset meshrt accepts (ONNX 1.18's set). Opsets 22 and 23 only widened
 * the element types of the ops meshrt runs (bfloat16, float8, 4-bit), which the dtype checks
 * reject by name, and added ops that raise UnsupportedOpError; the semantics are 21's.
 */
export const MAX_OPSET = 23;

/** From this IR version on, a model names the opsets it imports. */
const IR_OPSET_IMPORTS = 3;

/**
 * Checks that a decoded model is well formed: opset imports, single assignment of every
 * value, every read defined by then, graph outputs produced, declared dims, and each
 * known op's input and output counts and attributes.
 * @param model the model as decoded
 * @throws {ModelLoadError} naming the first problem and the node or value at fault
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelLoadError } from "./errors.ts";
 * const relu = { name: "r", opType: "Relu", domain: "", inputs: ["x"], outputs: ["y"], attributes: new Map() };
 * const model = {
 *   irVersion: 8, opsets: new Map([["", 17]]), producerName: "", producerVersion: "", metadata: new Map(),
 *   graph: {
 *     name: "g", nodes: [relu], initializers: new Map(), valueInfo: new Map(),
 *     inputs: [{ name: "x", dtype: "float32" as const }],
 *     outputs: [{ name: "z", dtype: "float32" as const }],
 *   },
 * };
 * assert.throws(() => validateModel(model), ModelLoadError);
 * ```
 */
export function validateModel(model: Model): void {
  checkOpsets(model);
  checkGraph(model.graph, new Scope(), { opsets: model.opsets, where: label(model.graph) });
}

function checkOpsets(model: Model): void {
  const opset = model.opsets.get("");
  if (opset === undefined && model.irVersion >= IR_OPSET_IMPORTS) {
    throw new ModelLoadError(
      "Cannot load the model: it imports no opset of the default domain (ai.onnx)",
    );
  }
  if (opset !== undefined && !(Number.isSafeInteger(opset) && opset >= 1 && opset <= MAX_OPSET)) {
    throw new ModelLoadError(
      `Cannot load the model: it imports ai.onnx opset ${opset}, meshrt supports 1 to ${MAX_OPSET}`,
    );
  }
}

/** Where a graph sits and what the model imports, for the checks and their messages. */
interface GraphSite {
  opsets: ReadonlyMap<string, number>;
  /** `graph "main"`, or `graph "body" of node "loop"` for a subgraph. */
  where: string;
}

/** Values defined so far, each with what defined it, over the enclosing graphs' values. */
class Scope {
  readonly #defined = new Map<string, string>();
  constructor(readonly outer?: Scope) {}

  /** What defined `name` here or in an enclosing graph ("initializer", `node "n"`). */
  origin(name: string): string | undefined {
    return this.#defined.get(name) ?? this.outer?.origin(name);
  }

  /** Whether this graph itself (not an enclosing one) defines `name`. */
  definesHere(name: string): boolean {
    return this.#defined.has(name);
  }

  define(name: string, origin: string): void {
    this.#defined.set(name, origin);
  }
}

function checkGraph(graph: Graph, outer: Scope, site: GraphSite): void {
  const scope = new Scope(outer);
  for (const input of graph.inputs) {
    checkDims(input.name, input, site);
    if (scope.definesHere(input.name)) {
      fail(site, `graph input "${input.name}" is listed twice`, { valueName: input.name });
    }
    scope.define(input.name, "a graph input");
  }
  for (const name of graph.initializers.keys()) scope.define(name, "an initializer");
  for (const [name, type] of graph.valueInfo) checkDims(name, type, site);
  graph.nodes.forEach((node, i) => {
    checkReads(graph, i, scope, site);
    validateNode(node, site.opsets, site.where);
    for (const sub of subgraphsOf(node)) {
      checkGraph(sub, scope, { ...site, where: `${label(sub)} of node "${node.name}"` });
    }
    checkWrites(node, scope, site);
  });
  for (const { name, ...type } of graph.outputs) {
    checkDims(name, type, site);
    if (!scope.origin(name)) {
      const detail = `graph output "${name}" is not produced by any node, initializer or input`;
      fail(site, detail, { valueName: name });
    }
  }
}

/** `graph "main"`, for messages. */
function label(graph: Graph): string {
  return graph.name ? `graph "${graph.name}"` : "an unnamed graph";
}

/** Every input of node `i` is defined by now; otherwise says why not. */
function checkReads(graph: Graph, i: number, scope: Scope, site: GraphSite): void {
  const node = graph.nodes[i];
  for (const name of node.inputs) {
    if (name === "" || scope.origin(name)) continue;
    const at = { nodeName: node.name, valueName: name };
    const later = graph.nodes.findIndex((n, j) => j >= i && n.outputs.includes(name));
    if (later < 0) {
      fail(
        site,
        `node "${node.name}" (${node.opType}) reads "${name}", which no node, ` +
          "initializer or input defines",
        at,
      );
    }
    const cycle = findCycle(graph.nodes);
    if (cycle) {
      fail(site, `nodes ${cycle.map((n) => `"${n.name}"`).join(" → ")} form a cycle`, at);
    }
    fail(
      site,
      `node "${node.name}" (${node.opType}) reads "${name}" before node ` +
        `"${graph.nodes[later].name}" produces it: ONNX requires nodes in topological order`,
      at,
    );
  }
}

/** Each output of `node` is a new name: single static assignment. */
function checkWrites(node: Node, scope: Scope, site: GraphSite): void {
  for (const name of node.outputs) {
    if (name === "") continue;
    const origin = scope.origin(name);
    if (origin) {
      fail(
        site,
        `node "${node.name}" (${node.opType}) writes "${name}", which ${origin} ` +
          "already defines: ONNX values are assigned once",
        { nodeName: node.name, valueName: name },
      );
    }
    scope.define(name, `node "${node.name}"`);
  }
}

function checkDims(name: string, type: TensorType, site: GraphSite): void {
  const bad = type.dims?.find((d) => typeof d === "number" && !(Number.isSafeInteger(d) && d >= 0));
  if (bad !== undefined) {
    const why = (bad as number) < 0 ? "negative" : "too large";
    fail(site, `value "${name}" declares dims [${type.dims}]: dim ${bad} is ${why}`, {
      valueName: name,
    });
  }
}

function fail(
  site: GraphSite,
  detail: string,
  at: { nodeName?: string; valueName?: string },
): never {
  throw new ModelLoadError(`Cannot load ${site.where}: ${detail}`, at);
}
