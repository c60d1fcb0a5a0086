/** Shapes shared by the vector suites, inputs and runners. */
export type Json = any;

/** Suite name → a runtime-agnostic function from a JSON input to a JSON output (bytes as hex). */
export type VectorSuites = Record<string, (input: Json) => Json>;

/** Suite name → what it is for, and its cases' inputs. */
export type VectorInputs = Record<string, { description: string; cases: Array<{ name: string; input: unknown }> }>;

export interface VectorCase {
  readonly name: string;
  readonly input: Json;
  readonly output: Json;
}

export interface VectorFile {
  readonly suite: string;
  readonly description: string;
  readonly cases: VectorCase[];
}
