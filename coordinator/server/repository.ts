/**
 * The model registry behind the repository extension: which models and versions exist,
 * which are loaded, and loading and unloading them on the cluster.
 * @module
 */
import type { Cluster } from "../cluster/cluster.ts";
import { ModelNotFoundError, ModelNotReadyError } from "./errors.ts";
import { parseModelConfig } from "./model_config.ts";
import { ModelStore } from "./model_store.ts";
import { readVersion, scanRepository } from "./repository_dir.ts";
import { ServedModel } from "./served_model.ts";

/** A version's state, as the repository index reports it. */
export type ModelState = "READY" | "LOADING" | "UNAVAILABLE";

/** One row of the repository index. */
export interface IndexEntry {
  name: string;
  version: string;
  state: ModelState;
  reason: string;
}

interface Version {
  state: ModelState;
  reason: string;
  served?: ServedModel;
}

/** What to load: ONNX bytes and an optional config. */
export interface ModelSource {
  version: string;
  bytes: Uint8Array;
  config?: unknown;
}

/**
 * Known models by name and version, loaded onto a cluster on request.
 * @example
 * ```ts ignore
 * const repo = new Repository(cluster, "models");
 * await repo.loadAll();
 * const served = repo.get("cls"); // latest ready version
 * ```
 */
export class Repository {
  readonly #models = new Map<string, Map<string, Version>>();
  readonly #store = new ModelStore();

  /** @param dir the repository folder, if any */
  constructor(readonly cluster: Cluster, readonly dir?: string) {}

  /** Loads every model in the folder (each failure is kept as that version's reason). */
  async loadAll(): Promise<void> {
    if (!this.dir) return;
    const names = await scanRepository(this.dir);
    for (const name of names.keys()) await this.loadFromDir(name).catch(() => {});
  }

  /**
   * Loads every version of `name` found in the folder.
   * @throws {ModelNotFoundError} when the folder has no such model
   */
  async loadFromDir(name: string): Promise<void> {
    const versions = this.dir ? (await scanRepository(this.dir)).get(name) : undefined;
    if (!versions) throw new ModelNotFoundError(name);
    for (const v of versions) await this.load(name, await readVersion(this.dir!, name, v));
  }

  /**
   * Prepares and deploys one version; on failure the version stays listed as UNAVAILABLE.
   * @throws {ModelLoadError} on bad bytes, {@link BadRequestError} on a bad config
   */
  async load(name: string, source: ModelSource): Promise<ServedModel> {
    const versions = this.#models.get(name) ?? new Map<string, Version>();
    this.#models.set(name, versions);
    const entry: Version = { state: "LOADING", reason: "" };
    const previous = versions.get(source.version);
    versions.set(source.version, entry);
    try {
      if (previous?.served) await this.cluster.unload(name, source.version);
      const config = parseModelConfig(source.config);
      const { sha256, model } = await this.#store.prepare(source.bytes, config.level);
      const deployed = await this.cluster.load(name, source.version, model, {
        stages: config.stages,
      });
      entry.served = new ServedModel(deployed, config, sha256);
      entry.state = "READY";
      return entry.served;
    } catch (e) {
      Object.assign(entry, { state: "UNAVAILABLE", reason: (e as Error).message });
      throw e;
    }
  }

  /**
   * Unloads every version of `name`; they stay listed as UNAVAILABLE.
   * @throws {ModelNotFoundError} when no such model is known
   */
  async unload(name: string): Promise<void> {
    const versions = this.#models.get(name);
    if (!versions) throw new ModelNotFoundError(name);
    for (const [version, v] of versions) {
      if (v.served) await this.cluster.unload(name, version);
      Object.assign(v, { state: "UNAVAILABLE", reason: "unloaded", served: undefined });
    }
    this.#store.retain(new Set(this.served().map((s) => s.sha256)));
  }

  /**
   * The served version of a model: the given one, or the latest ready one.
   * @throws {ModelNotFoundError} for an unknown model or version
   * @throws {ModelNotReadyError} when it is not loaded
   */
  get(name: string, version?: string): ServedModel {
    const versions = this.#models.get(name);
    if (!versions) throw new ModelNotFoundError(name);
    if (version !== undefined) {
      const v = versions.get(version);
      if (!v) throw new ModelNotFoundError(name, version);
      if (!v.served) throw new ModelNotReadyError(name, describe(v));
      return v.served;
    }
    const ready = [...versions].filter(([, v]) => v.served)
      .sort(([a], [b]) => Number(b) - Number(a));
    if (ready.length === 0) throw new ModelNotReadyError(name, describe([...versions.values()][0]));
    return ready[0][1].served!;
  }

  /** Whether the version (or any version) is ready; throws as {@link get} for unknown ones. */
  isReady(name: string, version?: string): boolean {
    try {
      return this.get(name, version) !== undefined;
    } catch (e) {
      if (e instanceof ModelNotReadyError) return false;
      throw e;
    }
  }

  /** Every known version with its state, including folder models never loaded. */
  async index(): Promise<IndexEntry[]> {
    const rows = new Map<string, IndexEntry>();
    const onDisk = this.dir ? await scanRepository(this.dir) : new Map<string, string[]>();
    for (const [name, versions] of onDisk) {
      for (const version of versions) {
        rows.set(`${name}/${version}`, {
          name,
          version,
          state: "UNAVAILABLE",
          reason: "not loaded",
        });
      }
    }
    for (const [name, versions] of this.#models) {
      for (const [version, v] of versions) {
        rows.set(`${name}/${version}`, { name, version, state: v.state, reason: v.reason });
      }
    }
    return [...rows.values()];
  }

  /** Every loaded version. */
  served(): ServedModel[] {
    return [...this.#models.values()].flatMap((vs) =>
      [...vs.values()].flatMap((v) => v.served ? [v.served] : [])
    );
  }
}

function describe(v: Version): string {
  if (v.state === "LOADING") return "loading";
  return v.reason === "unloaded" ? "unloaded" : `unavailable (${v.reason || "not loaded"})`;
}
