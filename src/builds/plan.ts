/**
 * What a planner may look at: the context's top-level file names and any file's text, through
 * reader functions (src/builds/checkout-reader.ts reads a real checkout), so planners stay pure.
 */
export interface PlanInput {
  contextDir: string;
  /** The context dir relative to the repo root (`.` at the root), when the reader knows it. */
  relativeDir?: string;
  files: string[];
  /** A file's text relative to the context dir, or undefined when it does not exist. */
  read: (file: string) => Promise<string | undefined>;
  /** Names in a directory relative to the context dir; empty when it does not exist. */
  list: (dir: string) => Promise<string[]>;
}

/**
 * A builder's plan for one app: the values of its own template placeholders, and the
 * decisions it made in words (e.g. `start: "npm start" from package.json scripts.start`),
 * recorded on the build beside the detection reasons.
 */
export interface BuilderPlan {
  values: Record<string, string>;
  reasons: string[];
}

export type Planner = (input: PlanInput) => Promise<BuilderPlan>;
