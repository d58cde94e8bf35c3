/**
 * Run tapes. When every node of a graph replayed its node tape (or aliased its input) in
 * one run, a later run that starts from the same arena state, with the same values at the
 * same addresses, would repeat it exactly: each allocation would land where it did, so each
 * node tape would replay again. Such a run skips the nodes: it replays their tapes back to
 * back, sets the arena to the state the recorded run left, and puts the graph outputs in
 * the scope where that run left them.
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import type { Node } from "../../graph/ir.ts";
import { ExecutionError } from "../errors.ts";
import type { Arena } from "./arena.ts";
import { EXECUTOR_OPS } from "./backend.ts";
import type { GraphPlan } from "./plan.ts";
import { RuntimeTensor } from "./runtime_tensor.ts";
import type { Scope } from "./scope.ts";
import type { Tape, TapeRecorder } from "./tape.ts";

/** A value as a run found it: its name, address and type. */
interface Placed {
  name: string;
  ptr: number;
  dtype: DType;
  dims: readonly number[];
}

/** What one run of a graph did, replayable from the same start. */
export interface RunTape {
  /** The arena's state at the start and at the end of the run. */
  before: number[];
  after: number[];
  /** The most bytes in use during the run. */
  peak: number;
  /** The values in the run's own scope at its start (each the only reference to its block). */
  own: Placed[];
  /** The values it read from enclosing scopes. */
  outer: Placed[];
  /** The node tapes it replayed, in order, with their nodes. */
  steps: { node: Node; tape: Tape }[];
  /** The graph outputs it left, each the only reference to its block of `bytes`. */
  outputs: (Placed & { bytes: number })[];
}

/**
 * Per plan, the values its nodes read from enclosing scopes, or null when the plan is never
 * taped: some node is not a WASM kernel with a tape or an alias (control flow, constants,
 * WebGPU, a binding that writes from JS), or some graph output is not a block of its own
 * (an input, a constant or an enclosing value, or an alias of one).
 */
const outerReads = new WeakMap<GraphPlan, string[] | null>();

function readsFromOutside(plan: GraphPlan, tapes: TapeRecorder): string[] | null {
  let reads = outerReads.get(plan);
  if (reads !== undefined) return reads;
  const maker = new Map(plan.nodes.flatMap((s) => s.node.outputs.map((o) => [o, s])));
  const ownBlock = (name: string): boolean => {
    const step = maker.get(name);
    if (!step) return false;
    const alias = step.schema.alias;
    return alias === undefined || ownBlock(step.node.inputs[alias]);
  };
  const taped = !plan.usesGpu && plan.graph.outputs.every((o) => ownBlock(o.name)) &&
    plan.nodes.every(({ node, schema, kernel }) =>
      schema.alias !== undefined ||
      (kernel !== undefined && !EXECUTOR_OPS.has(node.opType) && tapes.tapeable(node.opType))
    );
  const inputs = new Set(plan.nodes.flatMap((s) => s.node.inputs));
  reads = taped
    ? [...inputs].filter((n) => n && !maker.has(n) && !plan.graph.initializers.has(n))
    : null;
  outerReads.set(plan, reads);
  return reads;
}

/**
 * A run being recorded. The executor reports each node tape it replays ({@linkcode add})
 * and {@linkcode spoil}s the recording when a node does anything else.
 */
export class RunRecording {
  readonly #steps: RunTape["steps"] = [];
  #spoiled = false;

  private constructor(
    readonly arena: Arena,
    readonly before: number[],
    readonly own: Placed[],
    readonly outer: Placed[],
    readonly peakBefore: number,
  ) {}

  /**
   * Starts recording a run of `plan` in `scope`; undefined when the run could not be
   * replayed (a node other than a WASM kernel or an alias, a value on the device, a block
   * the scope shares).
   */
  static start(
    arena: Arena,
    tapes: TapeRecorder,
    plan: GraphPlan,
    scope: Scope,
  ): RunRecording | undefined {
    const reads = readsFromOutside(plan, tapes);
    if (!reads) return undefined;
    const own: Placed[] = [];
    for (const [name, t] of scope.values) {
      if (!soleHostReference(t)) return undefined;
      own.push(placed(name, t));
    }
    const outer: Placed[] = [];
    for (const name of reads) {
      const t = scope.values.has(name) ? undefined : scope.parent?.get(name);
      if (t?.onDevice) return undefined;
      if (t) outer.push(placed(name, t));
    }
    const peakBefore = arena.peak;
    arena.resetPeak();
    return new RunRecording(arena, arena.snapshot(), own, outer, peakBefore);
  }

  /** Notes that `node` replayed `tape`. */
  add(node: Node, tape: Tape): void {
    this.#steps.push({ node, tape });
  }

  /** Notes that a node did more than replay a tape: this run cannot be replayed. */
  spoil(): void {
    this.#spoiled = true;
  }

  /**
   * The run tape, once the run has left the graph outputs (and nothing else) in `scope`;
   * undefined when spoiled or when an output shares its block.
   */
  finish(plan: GraphPlan, scope: Scope): RunTape | undefined {
    const peak = this.arena.peak;
    this.end();
    if (this.#spoiled) return undefined;
    const outputs: RunTape["outputs"] = [];
    for (const { name } of plan.graph.outputs) {
      const t = scope.values.get(name);
      if (!t || !soleHostReference(t)) return undefined;
      outputs.push({ ...placed(name, t), bytes: t.buffer.bytes });
    }
    return {
      before: this.before,
      after: this.arena.snapshot(),
      peak,
      own: this.own,
      outer: this.outer,
      steps: this.#steps,
      outputs,
    };
  }

  /** Gives the arena back the peak it had before the run (finished or not). */
  end(): void {
    this.arena.raisePeak(this.peakBefore);
  }
}

/**
 * Replays `tape` in `scope` when the run starts where the recorded one did; false, having
 * done nothing, otherwise.
 * @throws {ExecutionError} naming the node whose kernel failed; the arena and the scope
 * are then as they were (the values a run makes were not taken yet)
 */
export function replayRun(
  tape: RunTape,
  arena: Arena,
  tapes: TapeRecorder,
  scope: Scope,
): boolean {
  if (scope.values.size !== tape.own.length || !arena.matches(tape.before)) return false;
  for (const p of tape.own) {
    const t = scope.values.get(p.name);
    if (!t || !soleHostReference(t) || !lies(t, p)) return false;
  }
  for (const p of tape.outer) {
    const t = scope.parent?.get(p.name);
    if (!t || t.onDevice || !lies(t, p)) return false;
  }
  let i = 0;
  try {
    for (; i < tape.steps.length; i++) tapes.replayUnchecked(tape.steps[i].tape);
  } catch (cause) {
    const { node } = tape.steps[i];
    throw new ExecutionError(node.name, node.opType, { cause });
  }
  arena.restore(tape.after);
  arena.raisePeak(tape.peak);
  scope.values.clear();
  for (const o of tape.outputs) {
    const buffer = { offset: o.ptr, bytes: o.bytes, refs: 1, persistent: false };
    scope.values.set(o.name, new RuntimeTensor(o.dtype, o.dims, buffer));
  }
  return true;
}

/** Whether `t` is in host memory, not a constant, and the only reference to its block. */
function soleHostReference(t: RuntimeTensor): boolean {
  return !t.onDevice && !t.buffer.persistent && t.buffer.refs === 1;
}

function placed(name: string, t: RuntimeTensor): Placed {
  return { name, ptr: t.ptr, dtype: t.dtype, dims: t.dims };
}

/** Whether `t` lies where `p` did, with its type. */
function lies(t: RuntimeTensor, p: Placed): boolean {
  if (t.ptr !== p.ptr || t.dtype !== p.dtype || t.dims.length !== p.dims.length) return false;
  for (let i = 0; i < p.dims.length; i++) if (t.dims[i] !== p.dims[i]) return false;
  return true;
}
