/**
 * Every subject meshrt uses, in one place.
 * @module
 */

/** Subject names of one cluster. */
export class Subjects {
  constructor(readonly cluster = "default") {}

  /** Where workers announce themselves and heartbeat. */
  get heartbeat(): string {
    return `meshrt.${this.cluster}.heartbeat`;
  }

  /** Control messages to one worker (load, unload stages). */
  workerControl(workerId: string): string {
    return `meshrt.${this.cluster}.worker.${workerId}.ctl`;
  }

  /**
   * Frames for stage `index` of one deployment generation of a model version; replicas
   * share it as a queue group.
   */
  stage(model: string, version: string, generation: number, index: number): string {
    return `meshrt.${this.cluster}.stage.${token(model)}.${token(version)}.${generation}.${index}`;
  }
}

/** A subject token: dots and wildcards replaced so a name cannot split a subject. */
function token(name: string): string {
  return name.replace(/[.*>\s]/g, "_");
}
