/**
 * meshrt's HTTP serving layer: the KServe V2 / Triton inference protocol, model
 * repository, dynamic batching, async jobs, metrics and dashboard.
 *
 * @example
 * ```ts ignore
 * import { startServer } from "./mod.ts";
 * await using server = await startServer({ port: 8000, modelsDir: "models" });
 * await server.loaded;
 * ```
 * @module
 */
export { type Server, type ServerOptions, startServer } from "./serve.ts";
export { type AppDeps, createApp } from "./app.ts";
