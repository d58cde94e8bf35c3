/**
 * The repository extension: index, load (ONNX bytes as the body, or JSON naming a file in
 * the repository folder), unload.
 * @module
 */
import { Hono } from "hono";
import type { Repository } from "../repository.ts";
import { readBody } from "../body.ts";
import { parseJson } from "../infer_request.ts";
import { BadRequestError } from "../errors.ts";
import { readRepositoryFile } from "../repository_dir.ts";

/** What the repository routes need. */
export interface RepositoryRouteDeps {
  repository: Repository;
  /** Largest model upload, bytes. */
  modelLimit: number;
}

interface LoadParameters {
  version?: string;
  file?: string;
  config?: unknown;
}

/**
 * The repository routes, for mounting at `/v2/repository`.
 * @param deps the repository and the upload limit
 * @returns a Hono sub-app
 * @example
 * ```ts ignore
 * app.route("/v2/repository", repositoryRoutes({ repository, modelLimit: 1 << 30 }));
 * ```
 */
export function repositoryRoutes(deps: RepositoryRouteDeps): Hono {
  const app = new Hono();
  const { repository } = deps;
  app.post("/index", async (c) => c.json(await repository.index()));
  app.post("/models/:model/load", async (c) => {
    const name = c.req.param("model");
    const body = await readBody(c.req.raw, deps.modelLimit);
    if (c.req.header("content-type")?.startsWith("application/octet-stream")) {
      const version = c.req.query("version") ?? "1";
      await repository.load(name, { version, bytes: body });
      return c.json({});
    }
    const params = loadParameters(body);
    if (params.file === undefined) await repository.loadFromDir(name);
    else {
      if (!repository.dir) {
        throw new BadRequestError("Cannot load a file: the server has no repository folder");
      }
      const bytes = await readRepositoryFile(repository.dir, params.file);
      await repository.load(name, { version: params.version ?? "1", bytes, config: params.config });
    }
    return c.json({});
  });
  app.post("/models/:model/unload", async (c) => {
    await repository.unload(c.req.param("model"));
    return c.json({});
  });
  return app;
}

/** `{"parameters": {"file", "version", "config"}}`, where config may be a JSON string (Triton's form). */
function loadParameters(body: Uint8Array): LoadParameters {
  if (body.length === 0) return {};
  const json = parseJson(body) as { parameters?: Record<string, unknown> } | null;
  const p = json?.parameters ?? {};
  const config = typeof p.config === "string"
    ? parseJson(new TextEncoder().encode(p.config))
    : p.config;
  return {
    file: p.file === undefined ? undefined : String(p.file),
    version: p.version === undefined ? undefined : String(p.version),
    config,
  };
}
