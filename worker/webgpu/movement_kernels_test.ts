import { Tensor } from "../../graph/tensor.ts";
import { agrees, int, ints, str } from "./nn_testing.ts";

/** A float tensor of `dims` with distinct values (float16 as its bits). */
function ramp(dtype: "float32" | "float16", dims: number[]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * 7) % 23) - 11 + i / 64);
  const data = dtype === "float32"
    ? new Float32Array(values)
    : new Uint16Array(new Float16Array(values).buffer);
  return new Tensor(dtype, data, dims);
}

const i64 = (v: number[]) => new Tensor("int64", v.map(BigInt), [v.length]);
const TYPES = ["float32", "float16"] as const;

Deno.test({
  name: "Transpose, DepthToSpace and SpaceToDepth on WebGPU match WASM at ranks past 4",
  async fn() {
    for (const t of TYPES) {
      const x = ramp(t, [2, 3, 2, 2, 3, 2]);
      await agrees({
        opType: "Transpose",
        opset: 13,
        attributes: { perm: ints([5, 3, 1, 0, 2, 4]) },
        inputs: [x],
        outputs: [t],
      }, 0);
      const blocks = ramp(t, [1, 8, 2, 3]);
      for (const mode of ["DCR", "CRD"]) {
        await agrees({
          opType: "DepthToSpace",
          opset: 13,
          attributes: { blocksize: int(2), mode: str(mode) },
          inputs: [blocks],
          outputs: [t],
        }, 0);
      }
      await agrees({
        opType: "SpaceToDepth",
        opset: 13,
        attributes: { blocksize: int(2) },
        inputs: [ramp(t, [2, 2, 4, 6])],
        outputs: [t],
      }, 0);
    }
  },
});

Deno.test({
  name: "Slice, Concat, Split, Expand and Tile on WebGPU match WASM",
  async fn() {
    for (const t of TYPES) {
      const x = ramp(t, [3, 5, 7]);
      await agrees({
        opType: "Slice",
        opset: 13,
        inputs: [x, i64([-1, 100, 1]), i64([-100, 0, 6]), i64([1, 0, -1]), i64([-2, -1, 3])],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "Slice",
        opset: 9,
        attributes: { starts: ints([1, 2]), ends: ints([3, -1]) },
        inputs: [x],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "Concat",
        opset: 13,
        attributes: { axis: int(-1) },
        inputs: [ramp(t, [3, 5, 1]), x, ramp(t, [3, 5, 3])],
        outputs: [t],
        fed: 2,
      }, 0);
      await agrees({
        opType: "Split",
        opset: 18,
        attributes: { axis: int(2), num_outputs: int(3) },
        inputs: [x],
        outputs: [t, t, t],
      }, 0);
      await agrees(
        { opType: "Split", opset: 13, inputs: [x, i64([1, 0, 2])], outputs: [t, t, t] },
        0,
      );
      await agrees({
        opType: "Expand",
        opset: 13,
        inputs: [ramp(t, [5, 1]), i64([2, 1, 5, 3])],
        outputs: [t],
      }, 0);
      await agrees({ opType: "Tile", opset: 13, inputs: [x, i64([2, 1, 3])], outputs: [t] }, 0);
    }
  },
});

Deno.test({
  name: "Pad on WebGPU matches WASM in every mode, with crops and a constant input",
  async fn() {
    for (const t of TYPES) {
      const x = ramp(t, [2, 3, 4]);
      for (const mode of ["constant", "reflect", "edge", "wrap"]) {
        await agrees({
          opType: "Pad",
          opset: 19,
          attributes: { mode: str(mode) },
          inputs: [x, i64([1, -1, 5, 0, 2, 3]), new Tensor(t, x.data.slice(5, 6), [])],
          outputs: [t],
        }, 0);
      }
      await agrees({
        opType: "Pad",
        opset: 18,
        attributes: { mode: str("reflect") },
        inputs: [x, i64([2, 2]), null, i64([-1])],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "Pad",
        opset: 2,
        attributes: { pads: ints([0, 1, 1, 0, 0, 2]), value: { kind: "float", value: 1.5 } },
        inputs: [x],
        outputs: [t],
      }, 0);
    }
  },
});

Deno.test({
  name: "Gather and GatherElements on WebGPU match WASM with int32, int64 and negative indices",
  async fn() {
    for (const t of TYPES) {
      const x = ramp(t, [4, 5, 3]);
      await agrees({
        opType: "Gather",
        opset: 13,
        attributes: { axis: int(1) },
        inputs: [x, new Tensor("int64", [0n, -1n, 3n, -5n, 2n, 2n], [2, 3])],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "Gather",
        opset: 13,
        inputs: [x, new Tensor("int32", [-4], [])],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "GatherElements",
        opset: 13,
        attributes: { axis: int(-2) },
        inputs: [x, new Tensor("int32", [0, -1, 4, 2, 3, -5, 1, 1, 0, 2, 2, 2], [2, 2, 3])],
        outputs: [t],
      }, 0);
    }
  },
});

Deno.test({
  name: "Resize and Upsample on WebGPU match WASM across modes",
  async fn() {
    const f32 = (v: number[]) => new Tensor("float32", v, [v.length]);
    for (const t of TYPES) {
      const x = ramp(t, [1, 2, 6, 5]), tol = t === "float16" ? 2e-3 : 1e-5;
      const cubic = {
        mode: str("cubic"),
        antialias: int(1),
        cubic_coeff_a: { kind: "float", value: -0.5 },
      } as const;
      await agrees({
        opType: "Resize",
        opset: 18,
        attributes: cubic,
        inputs: [x, null, f32([1, 1, 0.4, 0.7])],
        outputs: [t],
      }, tol);
      await agrees({
        opType: "Resize",
        opset: 13,
        attributes: {
          mode: str("linear"),
          coordinate_transformation_mode: str("tf_crop_and_resize"),
          extrapolation_value: { kind: "float", value: 9 },
        },
        inputs: [x, f32([0, 0, -0.2, 0.3, 1, 1, 0.9, 1.4]), null, i64([1, 2, 7, 4])],
        outputs: [t],
      }, tol);
      await agrees({
        opType: "Resize",
        opset: 18,
        attributes: {
          mode: str("cubic"),
          exclude_outside: int(1),
          axes: ints([3, 2]),
          keep_aspect_ratio_policy: str("not_larger"),
        },
        inputs: [x, null, null, i64([9, 11])],
        outputs: [t],
      }, tol);
      await agrees({
        opType: "Resize",
        opset: 19,
        attributes: {
          coordinate_transformation_mode: str("half_pixel_symmetric"),
          nearest_mode: str("round_prefer_ceil"),
        },
        inputs: [x, null, f32([1, 1, 1.7, 0.6])],
        outputs: [t],
      }, 0);
      await agrees({
        opType: "Upsample",
        opset: 9,
        attributes: { mode: str("linear") },
        inputs: [x, f32([1, 1, 2, 3])],
        outputs: [t],
      }, tol);
      await agrees({
        opType: "Upsample",
        opset: 7,
        attributes: { scales: { kind: "floats", value: [1, 2, 1, 2] } },
        inputs: [x],
        outputs: [t],
      }, 0);
    }
  },
});
