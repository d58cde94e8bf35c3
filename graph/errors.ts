/**
 * Errors of the graph layer: a model that cannot be decoded, a type it does not support,
 * a shape that cannot be inferred.
 * @module
 */

/** Where in a model a {@linkcode ModelLoadError} was found, besides its cause. */
export interface ModelLoadErrorOptions extends ErrorOptions {
  /** The node at fault, when there is one. */
  nodeName?: string;
  /** The value (tensor name) at fault, when there is one. */
  valueName?: string;
}

/** The bytes are not a valid ONNX model (truncated, garbage, inconsistent). */
export class ModelLoadError extends Error {
  override name = "ModelLoadError";
  /** The node at fault, when there is one. */
  readonly nodeName?: string;
  /** The value at fault, when there is one. */
  readonly valueName?: string;
  constructor(message: string, options: ModelLoadErrorOptions = {}) {
    super(message, options);
    this.nodeName = options.nodeName;
    this.valueName = options.valueName;
  }
}

/** A node uses an op meshrt does not implement. */
export class UnsupportedOpError extends Error {
  override name = "UnsupportedOpError";
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    readonly domain = "",
  ) {
    super(
      `Cannot run node "${nodeName}": op "${domain ? domain + "." : ""}${opType}" is not supported`,
    );
  }
}

/** A tensor has an element type meshrt does not compute with. */
export class UnsupportedDTypeError extends Error {
  override name = "UnsupportedDTypeError";
  constructor(
    readonly dtype: string,
    readonly tensorName: string,
    readonly nodeName?: string,
  ) {
    super(
      `Cannot load tensor "${tensorName}"${
        nodeName ? ` of node "${nodeName}"` : ""
      }: element type "${dtype}" is not supported`,
    );
  }
}

/** A node's inputs do not fit its op's rules (ranks, dims, types, attributes). */
export class ShapeError extends Error {
  override name = "ShapeError";
  constructor(
    readonly nodeName: string,
    readonly opType: string,
    /** What is wrong, without the node: "input 1 has rank 3, expected 4". */
    readonly detail: string,
  ) {
    super(`Cannot infer shape of node "${nodeName}" (${opType}): ${detail}`);
  }
}
