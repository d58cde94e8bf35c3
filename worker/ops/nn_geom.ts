/**
 * The 3-D form the conv and pool kernels take: spatial axes (depth, height, width), with
 * the ones a 1-D or 2-D op lacks filled in as size 1.
 * @module
 */
import type { AxisWindow } from "../../graph/ops/nn_window.ts";

/** Per-axis sizes of a window in kernel order: input, output, kernel, strides, dilations,
 * pads before, pads after, each 3 entries. */
export type Window3 = [number[], number[], number[], number[], number[], number[], number[]];

/**
 * Pads `windows` over spatial `input` sizes to three axes.
 * @throws {RangeError} for more than 3 spatial axes
 */
export function window3(
  op: string,
  input: readonly number[],
  windows: readonly AxisWindow[],
): Window3 {
  if (input.length > 3) {
    throw new RangeError(
      `Cannot run ${op} over ${input.length} spatial axes: at most 3 are supported`,
    );
  }
  const lead = 3 - input.length;
  const fill = (v: readonly number[], pad: number) => [...Array(lead).fill(pad), ...v];
  const of = (f: (a: AxisWindow) => number, pad: number) => fill(windows.map(f), pad);
  return [
    fill(input, 1),
    of((a) => a.output, 1),
    of((a) => a.kernel, 1),
    of((a) => a.stride, 1),
    of((a) => a.dilation, 1),
    of((a) => a.padBegin, 0),
    of((a) => a.padEnd, 0),
  ];
}
