/**
 * The optimizer's driver: runs pipelines of rules over a model's graphs (subgraphs
 * included) until none applies, and reports what changed.
 * @module
 */
import type { Graph, Model } from "../ir.ts";
import { finishGraph } from "./_finish.ts";
import { type ModelContext, type OuterScope, Workspace } from "./_workspace.ts";
import { type OptimizationLevel, pipelinesFor } from "./levels.ts";
import type { ConstantEvaluator, Pipeline } from "./rule.ts";
import { FUSED_DOMAIN } from "./fuse_activation.ts";

/** What optimizing a model did. */
export interface OptimizationReport {
  level: OptimizationLevel;
  /** Nodes of the model, subgraphs' included, before and after. */
  nodesBefore: number;
  nodesAfter: number;
  /** Rewrites applied, per rule. */
  passes: Record<string, number>;
}

/** Rounds of all pipelines, and sweeps of one pipeline, before the driver stops anyway. */
const MAX_ROUNDS = 4;
const MAX_SWEEPS = 16;

/**
 * Optimizes a model at one of ONNX Runtime's levels.
 * @param model the decoded model (left unchanged)
 * @param level "disabled", "basic", "extended" or "all"
 * @param evaluate runs nodes on constants, for constant folding
 * @returns the optimized model and a report
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelOf } from "./_testing.ts";
 * const model = modelOf({
 *   inputs: { x: [2] }, outputs: ["y"],
 *   nodes: [["Identity", ["x"], ["a"]], ["Relu", ["a"], ["y"]]],
 * });
 * const { report } = optimizeModel(model, "basic", () => undefined);
 * assert.deepEqual([report.nodesBefore, report.nodesAfter], [2, 1]);
 * ```
 */
export function optimizeModel(
  model: Model,
  level: OptimizationLevel,
  evaluate: ConstantEvaluator,
): { model: Model; report: OptimizationReport } {
  const { model: optimized, passes } = runPipelines(model, pipelinesFor(level), evaluate);
  return {
    model: optimized,
    report: {
      level,
      nodesBefore: countNodes(model.graph),
      nodesAfter: countNodes(optimized.graph),
      passes,
    },
  };
}

/**
 * Runs the given pipelines over a model: what {@linkcode optimizeModel} does for a level.
 * @returns the model (the same object when nothing applied) and rewrites per rule
 */
export function runPipelines(
  model: Model,
  pipelines: readonly Pipeline[],
  evaluate: ConstantEvaluator,
): { model: Model; passes: Record<string, number> } {
  const run: Run = {
    context: { opset: model.opsets.get("") ?? 1, evaluate, names: namesOf(model.graph) },
    pipelines,
    passes: {},
    applied: 0,
  };
  const graph = optimizeGraph(model.graph, run);
  const opsets = new Map(model.opsets);
  if (usesDomain(graph, FUSED_DOMAIN) && !opsets.has(FUSED_DOMAIN)) opsets.set(FUSED_DOMAIN, 1);
  return { model: graph === model.graph ? model : { ...model, graph, opsets }, passes: run.passes };
}

interface Run {
  context: ModelContext;
  pipelines: readonly Pipeline[];
  passes: Record<string, number>;
  /** Patches applied so far, to tell whether anything changed. */
  applied: number;
}

function optimizeGraph(graph: Graph, run: Run, outer?: OuterScope): Graph {
  if (run.pipelines.length === 0) return graph;
  const start = run.applied;
  const ws = new Workspace(graph, run.context, outer);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = run.applied;
    for (const pipeline of run.pipelines) runPipeline(ws, pipeline, run);
    optimizeSubgraphs(ws, run);
    if (run.applied === before) break;
  }
  return run.applied === start ? graph : finishGraph(ws.graph);
}

/** Sweeps the nodes in order, applying the first rule that matches each, until none does. */
function runPipeline(ws: Workspace, pipeline: Pipeline, run: Run): void {
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    const before = run.applied;
    for (const node of ws.graph.nodes) {
      if (!ws.has(node)) continue;
      for (const rule of pipeline.rules) {
        const patch = rule(ws, node);
        if (!patch) continue;
        ws.apply(patch);
        run.passes[rule.name] = (run.passes[rule.name] ?? 0) + 1;
        run.applied++;
        break;
      }
    }
    if (run.applied === before) return;
  }
}

/** Optimizes the subgraphs of If and Loop nodes, seeing this graph's types and constants. */
function optimizeSubgraphs(ws: Workspace, run: Run): void {
  for (const node of ws.graph.nodes) {
    let changed = false;
    const attributes = new Map(node.attributes);
    for (const [key, a] of node.attributes) {
      if (a.kind === "graph") {
        const g = optimizeGraph(a.value, run, ws);
        changed ||= g !== a.value;
        attributes.set(key, { kind: "graph", value: g });
      } else if (a.kind === "graphs") {
        const gs = a.value.map((g) => optimizeGraph(g, run, ws));
        changed ||= gs.some((g, i) => g !== a.value[i]);
        attributes.set(key, { kind: "graphs", value: gs });
      }
    }
    if (changed) ws.apply({ remove: [node], insert: [{ ...node, attributes }] });
  }
}

/** Every node and value name of a graph and its subgraphs. */
function namesOf(root: Graph): Set<string> {
  const names = new Set<string>();
  forEachGraph(root, (graph) => {
    for (const v of [...graph.inputs, ...graph.outputs]) names.add(v.name);
    for (const name of graph.initializers.keys()) names.add(name);
    for (const node of graph.nodes) {
      names.add(node.name);
      for (const o of node.outputs) names.add(o);
    }
  });
  return names;
}

/** Nodes of a graph and its subgraphs. */
function countNodes(root: Graph): number {
  let n = 0;
  forEachGraph(root, (graph) => n += graph.nodes.length);
  return n;
}

function usesDomain(root: Graph, domain: string): boolean {
  let found = false;
  forEachGraph(root, (graph) => found ||= graph.nodes.some((n) => n.domain === domain));
  return found;
}

/** Calls `f` on `graph` and, depth first, on every subgraph of its nodes. */
function forEachGraph(graph: Graph, f: (graph: Graph) => void): void {
  f(graph);
  for (const node of graph.nodes) {
    for (const a of node.attributes.values()) {
      if (a.kind === "graph") forEachGraph(a.value, f);
      else if (a.kind === "graphs") { for (const g of a.value) forEachGraph(g, f); }
    }
  }
}
