/**
 * `deno run -A bench/optimize_report.ts [models...]`: for each developer-set model and each
 * optimization level, the node count after optimizing, the rewrites applied, and whether
 * the outputs still match ONNX Runtime's reference within the models' matching rule.
 * @module
 */
import { InferenceSession } from "../worker/session.ts";
import { OPTIMIZATION_LEVELS } from "../graph/optimize/levels.ts";
import {
  loadModelCase,
  maxAbsDiff,
  MODEL_NAMES,
  type ModelName,
  modelPath,
} from "../tests/model_cases.ts";

/** One line per level: nodes, match, time to create, rewrites. */
async function report(name: ModelName): Promise<void> {
  const c = loadModelCase(name);
  for (const level of OPTIMIZATION_LEVELS) {
    const start = performance.now();
    const session = await InferenceSession.create(modelPath(name), {
      graphOptimizationLevel: level,
    });
    const createMs = performance.now() - start;
    const got = await session.run(c.inputs);
    // The largest diff as a fraction of its output's tolerance: at most 1 matches.
    const worst = Math.max(
      ...c.outputs.map((o) => maxAbsDiff(got[o.name], o.tensor) / o.tolerance),
    );
    const { nodesBefore, nodesAfter, passes } = session.optimization;
    const rewrites = Object.entries(passes).map(([k, v]) => `${k}:${v}`).join(" ");
    const nodes = `${String(nodesBefore).padStart(5)} → ${String(nodesAfter).padStart(5)}`;
    const verdict = `${worst <= 1 ? "match" : "MISMATCH"} (${worst.toFixed(3)} of tolerance)`;
    console.log(
      `${name.padEnd(24)} ${level.padEnd(9)} ${nodes}  ${verdict}  ` +
        `create ${createMs.toFixed(0)} ms  ${rewrites}`,
    );
    session.release();
  }
}

if (import.meta.main) {
  const names = Deno.args.length > 0 ? Deno.args as ModelName[] : [...MODEL_NAMES];
  for (const name of names) await report(name);
}
