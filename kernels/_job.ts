/**
 * The protocol between the kernels' threads (threads.ts, thread_worker.ts): one job at a
 * time, a list of kernel calls in a shared Float64Array, which every thread claims from
 * one at a time until none is left. A thread that wakes late finds nothing to claim, so a
 * busy machine costs the caller at worst its own time for the whole job.
 * @module
 */

/** A kernel export as JS sees it: numbers in, a status out (undefined: no status). */
export type KernelFn = (...args: number[]) => number | undefined;

/** Words of the shared control Int32Array. */
export const WORD = {
  /** The job number workers wait on; `STOP` tells them to exit. */
  wake: 0,
  /** `job << 16 | next unclaimed call`: one word, so a claim names its job. */
  claim: 1,
  /** Calls in the job. */
  count: 2,
  /** Calls finished. */
  completed: 3,
  /** 1 + the index of the first call that failed; 0 while none has. */
  failed: 4,
  /** That call's status. */
  failedStatus: 5,
} as const;

/** Int32 words of control. */
export const CONTROL_WORDS = 6;
/** The `wake` value that tells workers to exit. */
export const STOP = -1;
/** Jobs are numbered modulo this (15 bits: `claim` stays positive). */
export const JOBS = 1 << 15;
/** Calls one job may hold (16 bits of `claim`; 64 is far more than a split makes). */
export const MAX_CALLS = 64;
/** The call index of a closed job: above any count. */
export const CLOSED = 0xffff;
/** Float64 slots per call: the function's index, the argument count, the arguments. */
export const CALL_SLOTS = 24;
/** Status of a call whose kernel trapped instead of returning. */
export const TRAPPED = -2;

/**
 * How long a thread spins before it blocks. The next job of a model usually comes within
 * a millisecond, and waking a thread blocked in `Atomics.wait` costs 50-100 µs here
 * against 3 µs spinning; but a spinning worker takes a core from the caller's serial work
 * when the machine is busy, so it spins no longer than that.
 */
const SPIN_MS = 1;

/**
 * Waits until `control[at]` is no longer `seen`, spinning for up to `SPIN_MS` before
 * blocking; returns the new value.
 */
export function waitChange(control: Int32Array<SharedArrayBuffer>, at: number, seen: number) {
  const until = performance.now() + SPIN_MS;
  for (let i = 1;; i++) {
    const v = Atomics.load(control, at);
    if (v !== seen) return v;
    if ((i & 1023) === 0 && performance.now() > until) break;
  }
  Atomics.wait(control, at, seen);
  return Atomics.load(control, at);
}

/** Claims and runs calls of `job` until none is left or the job is over. */
export function work(
  control: Int32Array<SharedArrayBuffer>,
  args: Float64Array<SharedArrayBuffer>,
  fns: readonly KernelFn[],
  job: number,
): void {
  for (;;) {
    const claim = Atomics.load(control, WORD.claim);
    const i = claim & 0xffff;
    // The count is read after the claim: were it a later job's, the exchange below would fail.
    if (claim >>> 16 !== job || i >= Atomics.load(control, WORD.count)) return;
    if (Atomics.compareExchange(control, WORD.claim, claim, claim + 1) !== claim) continue;
    const status = invoke(args, fns, i);
    if (status !== 0 && Atomics.compareExchange(control, WORD.failed, 0, i + 1) === 0) {
      Atomics.store(control, WORD.failedStatus, status);
    }
    Atomics.add(control, WORD.completed, 1);
    Atomics.notify(control, WORD.completed);
  }
}

/** Runs call `i` of the job; a trap becomes `TRAPPED`. */
function invoke(args: Float64Array<SharedArrayBuffer>, fns: readonly KernelFn[], i: number) {
  const at = i * CALL_SLOTS;
  try {
    return fns[args[at]](...args.subarray(at + 2, at + 2 + args[at + 1])) ?? 0;
  } catch {
    return TRAPPED;
  }
}
