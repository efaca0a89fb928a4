import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { planGo } from './builders/go.js';
import { planJava } from './builders/java.js';
import { planNodejs } from './builders/nodejs.js';
import { planPhp } from './builders/php.js';
import { planPython } from './builders/python.js';
import { planRuby } from './builders/ruby.js';
import { planStatic } from './builders/static.js';

/** What a planner may look at: the context's top-level file names and any file's text. */
export interface PlanInput {
  contextDir: string;
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

export function planInput(contextDir: string, files: string[]): PlanInput {
  return {
    contextDir,
    files,
    read: (file) => readFile(path.join(contextDir, file), 'utf8').catch(() => undefined),
    list: (dir) => readdir(path.join(contextDir, dir)).then((names) => names.sort(), () => []),
  };
}

/** One planner per builders/<name>/ folder. */
export const PLANNERS: Record<string, Planner> = {
  nodejs: async ({ files, read }) => {
    const plan = planNodejs({ packageJson: (await read('package.json')) ?? '', files });
    return {
      values: { manifests: plan.manifests.join(' '), installCommand: plan.installCommand, buildSteps: plan.buildSteps, startCommand: plan.startCommand },
      reasons: plan.reasons,
    };
  },
  python: planPython,
  go: planGo,
  java: planJava,
  ruby: planRuby,
  php: planPhp,
  static: planStatic,
};
