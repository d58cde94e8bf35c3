/**
 * Run tapes. A stretch of consecutive nodes that are each a WASM kernel with a node tape or
 * an alias, once every node replayed its tape in one run, repeats that run exactly when it
 * starts again from the same arena state, reading the same values at the same addresses with
 * the same reference counts: each allocation lands where it did and each node tape would
 * replay. Such a run skips the nodes: it replays their tapes back to back, sets the arena to
 * the state the taped run left, and leaves the scope's values as that run left them (the
 * graph's constants excepted: they stay in the scope until the graph's end, freeing nothing).
 * @module
 */
import type { DType } from "../../graph/dtype.ts";
import type { Node } from "../../graph/ir.ts";
import { ExecutionError } from "../errors.ts";
import type { Arena } from "./arena.ts";
import { EXECUTOR_OPS } from "./backend.ts";
import type { GraphPlan, PlannedNode } from "./plan.ts";
import { type ArenaBuffer, RuntimeTensor } from "./runtime_tensor.ts";
import type { Scope } from "./scope.ts";
import type { Tape, TapeRecorder } from "./tape.ts";

/** Fewer nodes than this gain too little from a run tape to check one. */
const MIN_STRETCH = 2;

/** Consecutive nodes of a plan that may be taped as one run. */
export interface Stretch {
  /** Index of its first node in the plan, and one past its last. */
  start: number;
  end: number;
  /** The values its nodes read that none of them makes. */
  reads: string[];
  /** Of those, the ones whose last reader is in the stretch. */
  released: string[];
  /** The values its nodes make. */
  made: string[];
  /** What its last run did, replayable while runs start as that one did. */
  tape?: RunTape;
}

/** A value as a run found it: its name, address and type. */
interface Placed {
  name: string;
  ptr: number;
  dtype: DType;
  dims: readonly number[];
}

/** What one run of a stretch did, replayable from the same start. */
export interface RunTape {
  /** The arena's state at the start and at the end of the run. */
  before: number[];
  after: number[];
  /** The most bytes in use during the run. */
  peak: number;
  /** The values read, each with the index of its block among the blocks read. */
  reads: (Placed & { block: number })[];
  /**
   * The reference counts of the blocks read, at the start and at the end of the run; -1 for
   * a constant's (never freed, so not counted).
   */
  refsBefore: number[];
  refsAfter: number[];
  /** The released values the run's own scope held (the run took them out of the scope). */
  dropped: string[];
  /** The node tapes replayed, in order, with their nodes. */
  steps: { node: Node; tape: Tape }[];
  /** The values made and still in the scope: in a block read (`block`) or a new one (`fresh`). */
  made: (Placed & { block: number; fresh: number })[];
  /** The new blocks those values hold, with their reference counts. */
  fresh: { offset: number; bytes: number; refs: number }[];
}

/**
 * The stretches of `plan`, by first node: computed once, and none for a plan with WebGPU
 * nodes (its runs wait for the device between nodes).
 */
export function stretchesOf(plan: GraphPlan, tapes: TapeRecorder): Map<number, Stretch> {
  if (plan.stretches) return plan.stretches;
  const stretches = new Map<number, Stretch>();
  plan.stretches = stretches;
  if (plan.usesGpu) return stretches;
  const taped = ({ node, schema, kernel }: PlannedNode) =>
    schema.alias !== undefined ||
    (kernel !== undefined && !EXECUTOR_OPS.has(node.opType) && tapes.tapeable(node.opType));
  for (let start = 0; start < plan.nodes.length;) {
    let end = start;
    while (end < plan.nodes.length && taped(plan.nodes[end])) end++;
    if (end - start >= MIN_STRETCH) stretches.set(start, stretch(plan, start, end));
    start = Math.max(end, start + 1);
  }
  return stretches;
}

/**
 * The stretch of `plan`'s nodes from `start` to `end`. Its reads leave out the plan's own
 * constants (those no graph input overrides): every run binds them to the same blocks.
 */
function stretch(plan: GraphPlan, start: number, end: number): Stretch {
  const steps = plan.nodes.slice(start, end);
  const inputs = new Set(plan.graph.inputs.map((i) => i.name));
  const fixed = (name: string) => plan.graph.initializers.has(name) && !inputs.has(name);
  const made = new Set(steps.flatMap((s) => s.node.outputs.filter((o) => o)));
  const reads = new Set(
    steps.flatMap((s) => s.node.inputs.filter((i) => i && !made.has(i) && !fixed(i))),
  );
  const released = steps.flatMap((s) => s.release).filter((name) => reads.has(name));
  return { start, end, reads: [...reads], released, made: [...made] };
}

/**
 * A run of a stretch being recorded. The executor reports each node tape it replays
 * ({@linkcode add}) and {@linkcode spoil}s the recording when a node does anything else.
 */
export class RunRecording {
  readonly #steps: RunTape["steps"] = [];
  #spoiled = false;

  private constructor(
    readonly arena: Arena,
    readonly stretch: Stretch,
    readonly before: number[],
    readonly reads: RunTape["reads"],
    /** The blocks read, in the order of their indices. */
    readonly blocks: Map<ArenaBuffer, number>,
    readonly refsBefore: number[],
    readonly dropped: string[],
    readonly peakBefore: number,
  ) {}

  /** Starts recording a run of `stretch` in `scope`; undefined when it reads a device value. */
  static start(arena: Arena, stretch: Stretch, scope: Scope): RunRecording | undefined {
    const blocks = new Map<ArenaBuffer, number>();
    const refsBefore: number[] = [];
    const reads: RunTape["reads"] = [];
    for (const name of stretch.reads) {
      const t = scope.get(name);
      if (!t) continue;
      if (t.onDevice) return undefined;
      const b = t.buffer as ArenaBuffer;
      const block = blocks.get(b) ?? blocks.size;
      if (block === blocks.size) {
        blocks.set(b, block);
        refsBefore.push(refsOf(b));
      }
      reads.push({ ...placed(name, t), block });
    }
    const dropped = stretch.released.filter((name) => scope.values.has(name));
    const peakBefore = arena.peak;
    arena.resetPeak();
    const before = arena.snapshot();
    return new RunRecording(
      arena,
      stretch,
      before,
      reads,
      blocks,
      refsBefore,
      dropped,
      peakBefore,
    );
  }

  /** Notes that `node` replayed `tape`. */
  add(node: Node, tape: Tape): void {
    this.#steps.push({ node, tape });
  }

  /** Notes that a node did more than replay a tape: this run cannot be replayed. */
  spoil(): void {
    this.#spoiled = true;
  }

  /** The run tape, once the stretch has run in `scope`; undefined when spoiled. */
  finish(scope: Scope): RunTape | undefined {
    const peak = this.arena.peak;
    this.end();
    if (this.#spoiled) return undefined;
    const fresh: RunTape["fresh"] = [];
    const freshIndex = new Map<ArenaBuffer, number>();
    const made: RunTape["made"] = [];
    for (const name of this.stretch.made) {
      const t = scope.values.get(name);
      if (!t) continue;
      if (t.onDevice) return undefined;
      const b = t.buffer as ArenaBuffer;
      const block = this.blocks.get(b) ?? -1;
      // A block not read is new, unless a constant's (the plan's own are not read): no tape.
      if (block < 0 && b.persistent) return undefined;
      const index = block < 0 ? freshIndex.get(b) ?? fresh.length : -1;
      if (index === fresh.length) {
        freshIndex.set(b, index);
        fresh.push({ offset: b.offset, bytes: b.bytes, refs: b.refs });
      }
      made.push({ ...placed(name, t), block, fresh: index });
    }
    return {
      before: this.before,
      after: this.arena.snapshot(),
      peak,
      reads: this.reads,
      refsBefore: this.refsBefore,
      refsAfter: [...this.blocks.keys()].map(refsOf),
      dropped: this.dropped,
      steps: this.#steps,
      made,
      fresh,
    };
  }

  /** Gives the arena back the peak it had before the run (finished or not). */
  end(): void {
    this.arena.raisePeak(this.peakBefore);
  }
}

/**
 * Replays `tape` in `scope` when the run starts where the taped one did; false, having
 * done nothing, otherwise.
 * @throws {ExecutionError} naming the node whose kernel failed; the arena and the scope
 * then hold what they held before the stretch
 */
export function replayRun(
  tape: RunTape,
  arena: Arena,
  tapes: TapeRecorder,
  scope: Scope,
): boolean {
  if (!arena.matches(tape.before)) return false;
  const blocks: ArenaBuffer[] = [];
  for (const r of tape.reads) {
    const t = scope.get(r.name);
    if (!t || t.onDevice || !lies(t, r)) return false;
    const b = t.buffer as ArenaBuffer, known = blocks[r.block];
    if (known === undefined) {
      if (refsOf(b) !== tape.refsBefore[r.block]) return false;
      blocks[r.block] = b;
    } else if (known !== b) return false;
  }
  for (const name of tape.dropped) if (!scope.values.has(name)) return false;
  let i = 0;
  try {
    for (; i < tape.steps.length; i++) tapes.replayUnchecked(tape.steps[i].tape);
  } catch (cause) {
    const { node } = tape.steps[i];
    throw new ExecutionError(node.name, node.opType, { cause });
  }
  arena.restore(tape.after);
  arena.raisePeak(tape.peak);
  blocks.forEach((b, k) => {
    if (!b.persistent) b.refs = tape.refsAfter[k];
  });
  for (const name of tape.dropped) scope.values.delete(name);
  const fresh = tape.fresh.map(({ offset, bytes, refs }) => ({
    offset,
    bytes,
    refs,
    persistent: false,
  }));
  for (const m of tape.made) {
    const buffer = m.block >= 0 ? blocks[m.block] : fresh[m.fresh];
    scope.values.set(m.name, new RuntimeTensor(m.dtype, m.dims, buffer));
  }
  return true;
}

/** A block's reference count, or -1 for a constant's. */
function refsOf(b: ArenaBuffer): number {
  return b.persistent ? -1 : b.refs;
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
