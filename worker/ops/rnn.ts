/**
 * WASM kernel bindings of the rnn family. The kernels compute in f32; float16 and float64
 * tensors pass through f32 scratch copies.
 * @module
 */
import type { RnnParams } from "../../graph/ops/rnn.ts";
import type { KernelArgs, KernelTable } from "./kernel.ts";
import { asF32, f32Bits, type F32Output, f32Output } from "./_f32.ts";

/**
 * The kernels' configuration array: `[seq, batch, input, hidden, dirs, reverse,
 * batch_first, flag, has_clip, clip bits, codes ×6, alpha bits ×6, beta bits ×6]`, and the
 * workspace length in f32.
 */
function config(args: KernelArgs<RnnParams>) {
  const p = args.params;
  const [x, , r] = args.inputs;
  const [seq, batch] = p.batchFirst ? [x!.dims[1], x!.dims[0]] : [x!.dims[0], x!.dims[1]];
  const input = x!.dims[2], hidden = r!.dims[2], gh = p.gates * hidden;
  const acts = [...p.activations, ...Array(6 - p.activations.length).fill(p.activations[0])];
  const cfg = args.i32s([
    seq,
    batch,
    input,
    hidden,
    p.dirs,
    p.reverse ? 1 : 0,
    p.batchFirst ? 1 : 0,
    p.flag ? 1 : 0,
    p.clip === undefined ? 0 : 1,
    ...f32Bits([p.clip ?? 0]),
    ...acts.map((a) => a.code),
    ...f32Bits(acts.map((a) => a.alpha)),
    ...f32Bits(acts.map((a) => a.beta)),
  ]);
  const workspace = (seq * batch + batch + 1) * gh + hidden + 3 * batch * hidden;
  return { cfg, workspace };
}

/** The binding of one recurrent op, calling its export. */
function recurrent(kernel: string) {
  return (args: KernelArgs<RnnParams>): void => {
    const { inputs, outputs, node } = args;
    const { cfg, workspace } = config(args);
    const ins = Array.from({ length: 8 }, (_, i) => {
      const t = inputs[i];
      return !t ? 0 : i === 4 ? t.ptr : asF32(args, t);
    });
    const outs = [0, 1, 2].map((i): F32Output | undefined =>
      outputs[i] && node.outputs[i] ? f32Output(args, outputs[i]) : undefined
    );
    const ws = args.scratch(workspace * 4);
    args.kernels.call(kernel, ...ins, ...outs.map((o) => o?.ptr ?? 0), cfg, ws, workspace);
    for (const o of outs) o?.commit();
  };
}

/** Kernel bindings of the rnn family. */
export const RNN_KERNELS: KernelTable = {
  LSTM: recurrent("rnn_lstm_f32"),
  GRU: recurrent("rnn_gru_f32"),
  RNN: recurrent("rnn_simple_f32"),
};
