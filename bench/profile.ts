/**
 * Where a model's time goes: per-op-type totals from meshrt's node profile.
 * @module
 */
import { InferenceSession } from "../worker/session.ts";
import { loadModelCase, type ModelName, modelPath } from "../tests/model_cases.ts";

/** One op type's share of a run. */
export interface OpShare {
  opType: string;
  calls: number;
  msPerRun: number;
  share: number;
}

/**
 * Profiles `runs` runs of a model (after warm-up) and sums node times by op type. Times of
 * nodes inside If/Loop count under the If/Loop too, so shares can add up past 100%.
 */
export async function profileModel(model: ModelName, runs = 20): Promise<OpShare[]> {
  const { inputs } = loadModelCase(model);
  const session = await InferenceSession.create(modelPath(model), { enableProfiling: true });
  for (let i = 0; i < 3; i++) await session.run(inputs);
  const warm = session.profile.length;
  for (let i = 0; i < runs; i++) await session.run(inputs);
  const profile = session.profile.slice(warm);
  session.release();
  const byOp = new Map<string, { calls: number; ms: number }>();
  let total = 0;
  for (const p of profile) {
    const e = byOp.get(p.opType) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += p.ms;
    byOp.set(p.opType, e);
    if (p.depth === 0) total += p.ms;
  }
  return [...byOp].map(([opType, e]) => ({
    opType,
    calls: e.calls / runs,
    msPerRun: e.ms / runs,
    share: e.ms / total,
  })).sort((a, b) => b.msPerRun - a.msPerRun);
}

/** The top `count` op types as a table. */
export function formatProfile(model: string, shares: readonly OpShare[], count = 12): string {
  const lines = [
    `${model}: top ops by time per run`,
    "op                    calls   ms/run   share",
  ];
  for (const s of shares.slice(0, count)) {
    lines.push(
      `${s.opType.padEnd(20)} ${s.calls.toFixed(0).padStart(6)} ${
        s.msPerRun.toFixed(3).padStart(8)
      } ${(100 * s.share).toFixed(1).padStart(6)}%`,
    );
  }
  return lines.join("\n");
}
