/**
 * The HTTP app: the inference protocol (KServe V2 as Triton serves it), the repository
 * extension, async jobs, the cluster view, Prometheus metrics and the dashboard.
 * @module
 */
import { Hono } from "hono";
import type { Cluster } from "../cluster/cluster.ts";
import { handleError } from "./error_handler.ts";
import { UnauthorizedError } from "./errors.ts";
import type { Repository } from "./repository.ts";
import type { Jobs } from "./jobs/jobs.ts";
import { modelRoutes } from "./routes/v2_models.ts";
import { repositoryRoutes } from "./routes/v2_repository.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { clusterView } from "./cluster_view.ts";
import { renderMetrics } from "./metrics.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";

/** meshrt's version, as GET /v2 reports it. */
export const MESHRT_VERSION = "0.1.0";

/** What the app serves. */
export interface AppDeps {
  cluster: Cluster;
  repository: Repository;
  jobs: Jobs;
  /** Whether the server has finished loading its repository. */
  ready: () => boolean;
  /** Bearer token every API route requires, if set. */
  token?: string;
  /** Largest infer or job body, bytes. */
  bodyLimit?: number;
  /** Largest model upload, bytes. */
  modelLimit?: number;
}

/**
 * Builds the app.
 * @param deps cluster, repository, jobs and limits
 * @returns the Hono app (serve it with `Deno.serve(app.fetch)`)
 * @example
 * ```ts ignore
 * const app = createApp({ cluster, repository, jobs, ready: () => true });
 * Deno.serve({ port: 8000 }, app.fetch);
 * ```
 */
export function createApp(deps: AppDeps): Hono {
  const { cluster, repository, jobs } = deps;
  const bodyLimit = deps.bodyLimit ?? 64 << 20;
  const app = new Hono();
  app.onError(handleError);
  app.notFound((c) => c.json({ error: `Cannot find route "${c.req.method} ${c.req.path}"` }, 404));
  app.use("*", async (c, next) => {
    const open = c.req.path === "/" || c.req.path.startsWith("/dashboard/") ||
      c.req.path.startsWith("/v2/health/");
    if (deps.token && !open && c.req.header("authorization") !== `Bearer ${deps.token}`) {
      throw new UnauthorizedError();
    }
    await next();
  });
  app.get("/v2", (c) =>
    c.json({
      name: "meshrt",
      version: MESHRT_VERSION,
      extensions: [
        "binary_tensor_data",
        "model_repository",
        "model_configuration",
        "statistics",
        "parameters",
      ],
    }));
  app.get("/v2/health/live", (c) => c.body(null, 200));
  app.get("/v2/health/ready", (c) => c.body(null, deps.ready() ? 200 : 400));
  app.route("/v2/models", modelRoutes({ repository, bodyLimit }));
  app.route(
    "/v2/repository",
    repositoryRoutes({ repository, modelLimit: deps.modelLimit ?? 1 << 30 }),
  );
  app.route("/v1/jobs", jobRoutes(jobs, bodyLimit));
  app.get("/v1/cluster", (c) => c.json(clusterView(cluster, repository)));
  app.get(
    "/metrics",
    (c) =>
      c.text(renderMetrics(cluster, repository), 200, {
        "content-type": "text/plain; version=0.0.4",
      }),
  );
  app.route("/", dashboardRoutes());
  return app;
}
