/**
 * `/v1/jobs`: submit (202 with an id), poll, cancel.
 * @module
 */
import { Hono } from "hono";
import type { JobRequest, Jobs } from "../jobs/jobs.ts";
import { readBody } from "../body.ts";
import { parseJson } from "../infer_request.ts";

/**
 * The job routes, for mounting at `/v1/jobs`.
 * @param jobs the job runner
 * @param bodyLimit largest request body, bytes
 * @returns a Hono sub-app
 * @example
 * ```ts ignore
 * app.route("/v1/jobs", jobRoutes(jobs, 64 << 20));
 * ```
 */
export function jobRoutes(jobs: Jobs, bodyLimit: number): Hono {
  const app = new Hono();
  app.post("/", async (c) => {
    const request = parseJson(await readBody(c.req.raw, bodyLimit)) as JobRequest;
    return c.json({ id: await jobs.submit(request ?? {}) }, 202);
  });
  app.get("/:id", async (c) => {
    const { id, status, outputs, error } = await jobs.get(c.req.param("id"));
    return c.json({ id, status, outputs, error });
  });
  app.delete("/:id", async (c) => {
    await jobs.cancel(c.req.param("id"));
    return c.json({});
  });
  return app;
}
