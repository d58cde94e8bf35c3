/**
 * A served model's configuration as Triton's model configuration extension returns it
 * (`GET /v2/models/{m}/config`): clients such as perf_analyzer read `max_batch_size` there
 * to decide whether to send a batch dim.
 * @module
 */
import type { ServedModel } from "./served_model.ts";
import type { TensorSpec } from "./signature.ts";

/**
 * The model's configuration in Triton's JSON shape; with batching on, `max_batch_size` is
 * set and input and output dims leave out the batch dim, as Triton's do.
 * @param served the loaded model version
 * @returns the configuration
 * @example
 * ```ts ignore
 * const config = tritonConfig(repository.get("cls"));
 * console.log(config.max_batch_size);
 * ```
 */
export function tritonConfig(served: ServedModel): Record<string, unknown> {
  const { config, signature } = served;
  const maxBatch = served.batching ? config.maxBatchSize : 0;
  const tensor = (t: TensorSpec) => ({
    name: t.name,
    data_type: `TYPE_${t.datatype}`,
    dims: maxBatch ? t.shape.slice(1) : t.shape,
  });
  return {
    name: served.deployed.name,
    platform: "onnxruntime_onnx",
    backend: "meshrt",
    max_batch_size: maxBatch,
    input: signature.inputs.map(tensor),
    output: signature.outputs.map(tensor),
    ...(maxBatch && {
      dynamic_batching: {
        preferred_batch_size: config.preferredBatchSizes,
        max_queue_delay_microseconds: Math.round(config.maxQueueDelayMs * 1000),
        default_queue_policy: { max_queue_size: config.maxQueueSize },
      },
    }),
    // meshrt's own settings, as Triton carries backend-specific ones.
    parameters: {
      optimization_level: { string_value: config.level },
      execution_providers: { string_value: config.providers.join(",") },
      stages: { string_value: String(served.deployed.stages.length) },
    },
  };
}
