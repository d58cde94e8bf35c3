/**
 * The inference protocol's model routes: metadata, readiness, infer, configuration,
 * statistics, each at `/v2/models/{m}` and `/v2/models/{m}/versions/{v}`.
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Repository } from "../repository.ts";
import { readBody } from "../body.ts";
import { tritonConfig } from "../triton_config.ts";
import { HEADER_LENGTH, inferResponse, parseInferRequest } from "../infer_request.ts";

/** What the model routes need. */
export interface ModelRouteDeps {
  repository: Repository;
  bodyLimit: number;
}

/**
 * The model routes, for mounting at `/v2/models`.
 * @param deps the repository and the body limit
 * @returns a Hono sub-app
 * @example
 * ```ts ignore
 * app.route("/v2/models", modelRoutes({ repository, bodyLimit: 64 << 20 }));
 * ```
 */
export function modelRoutes(deps: ModelRouteDeps): Hono {
  const app = new Hono();
  const { repository } = deps;
  const target = (c: Context) => ({ name: c.req.param("model")!, version: c.req.param("version") });
  const both = (suffix: string) => [`/:model${suffix}`, `/:model/versions/:version${suffix}`];

  app.get(
    "/stats",
    (c) => c.json({ model_stats: repository.served().map((s) => s.stats.triton()) }),
  );
  for (const path of both("")) {
    app.get(path, (c) => {
      const { name, version } = target(c);
      const served = repository.get(name, version);
      const versions = [served.deployed.version];
      const tensor = (t: { name: string; datatype: string; shape: number[] }) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
      });
      return c.json({
        name,
        versions,
        platform: "onnxruntime_onnx",
        inputs: served.signature.inputs.map(tensor),
        outputs: served.signature.outputs.map(tensor),
      });
    });
  }
  for (const path of both("/ready")) {
    app.get(path, (c) => {
      const { name, version } = target(c);
      return c.body(null, repository.isReady(name, version) ? 200 : 400);
    });
  }
  for (const path of both("/infer")) {
    app.post(path, async (c) => {
      const { name, version } = target(c);
      const served = repository.get(name, version);
      const body = await readBody(c.req.raw, deps.bodyLimit);
      const request = parseInferRequest(body, c.req.header(HEADER_LENGTH));
      const outputs = await served.infer(request.feeds);
      const head = { model_name: name, model_version: served.deployed.version, id: request.id };
      return inferResponse(head, request, outputs);
    });
  }
  for (const path of both("/config")) {
    app.get(path, (c) => {
      const { name, version } = target(c);
      return c.json(tritonConfig(repository.get(name, version)));
    });
  }
  for (const path of both("/stats")) {
    app.get(path, (c) => {
      const { name, version } = target(c);
      return c.json({ model_stats: [repository.get(name, version).stats.triton()] });
    });
  }
  return app;
}
