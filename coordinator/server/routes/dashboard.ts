/**
 * The dashboard's static files (coordinator/dashboard/), served as they are: no build.
 * @module
 */
import { Hono } from "hono";

const FILES: Record<string, string> = {
  "/": "index.html",
  "/dashboard/dashboard.js": "dashboard.js",
  "/dashboard/dashboard.css": "dashboard.css",
};
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/**
 * Routes serving the dashboard page and its script and style.
 * @returns a Hono sub-app, mounted at `/`
 * @example
 * ```ts ignore
 * app.route("/", dashboardRoutes());
 * ```
 */
export function dashboardRoutes(): Hono {
  const app = new Hono();
  for (const [path, file] of Object.entries(FILES)) {
    const url = new URL(`../../dashboard/${file}`, import.meta.url);
    app.get(
      path,
      async (c) =>
        c.body(await Deno.readFile(url), 200, { "content-type": TYPES[file.split(".").pop()!] }),
    );
  }
  return app;
}
