/**
 * A Triton-layout model folder: `DIR/<name>/<version>/model.onnx` with an optional
 * `config.json` in the version folder or the model folder.
 * @module
 */
import { BadRequestError, ModelNotFoundError } from "./errors.ts";

/** One version's files. */
export interface VersionFiles {
  version: string;
  bytes: Uint8Array;
  /** Parsed config.json, when present. */
  config?: unknown;
}

/**
 * Model names in a repository folder with their versions, lowest first.
 * @param dir the repository folder
 * @returns versions by model name
 * @example
 * ```ts ignore
 * const names = await scanRepository("models"); // Map { "cls" => ["1", "2"] }
 * ```
 */
export async function scanRepository(dir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory || entry.name.startsWith(".")) continue;
    const versions = await listVersions(dir, entry.name);
    if (versions.length) out.set(entry.name, versions);
  }
  return out;
}

async function listVersions(dir: string, name: string): Promise<string[]> {
  const versions: string[] = [];
  for await (const v of Deno.readDir(`${dir}/${name}`)) {
    if (
      v.isDirectory && /^\d+$/.test(v.name) && await exists(`${dir}/${name}/${v.name}/model.onnx`)
    ) {
      versions.push(v.name);
    }
  }
  return versions.sort((a, b) => Number(a) - Number(b));
}

/**
 * Reads one version's model and config.
 * @param dir the repository folder
 * @param name model name
 * @param version version folder
 * @returns its files
 * @throws {ModelNotFoundError} when the version has no model.onnx
 * @throws {BadRequestError} when its config.json is not JSON
 */
export async function readVersion(
  dir: string,
  name: string,
  version: string,
): Promise<VersionFiles> {
  const base = `${dir}/${name}`;
  const bytes = await Deno.readFile(`${base}/${version}/model.onnx`).catch(() => {
    throw new ModelNotFoundError(name, version);
  });
  const config = await readConfig(`${base}/${version}/config.json`) ??
    await readConfig(`${base}/config.json`);
  return { version, bytes, config };
}

/**
 * Reads a model file named relative to the repository folder, refusing paths outside it.
 * @param dir the repository folder
 * @param file relative path, e.g. "cls/2/model.onnx"
 * @returns the bytes
 * @throws {BadRequestError} when the path escapes the folder or cannot be read
 */
export async function readRepositoryFile(dir: string, file: string): Promise<Uint8Array> {
  if (file.startsWith("/") || file.split("/").includes("..")) {
    throw new BadRequestError(`Cannot load file "${file}": it is outside the repository`);
  }
  return await Deno.readFile(`${dir}/${file}`).catch(() => {
    throw new BadRequestError(`Cannot load file "${file}": it does not exist in the repository`);
  });
}

async function readConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError(`Cannot read config "${path}": it is not valid JSON`);
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
