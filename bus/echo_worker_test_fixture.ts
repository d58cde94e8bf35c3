/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * A Web Worker that answers requests on "echo" over the in-process bus (for bus_test.ts).
 * @module
 */
import { connectPort } from "./memory_bus.ts";

self.onmessage = (e: MessageEvent<MessagePort>) => {
  const bus = connectPort(e.data);
  bus.subscribe("echo", (m) => bus.publish(m.reply!, m.data));
};
