import { planGo } from './builders/go.js';
import { planJava } from './builders/java.js';
import { planNodejs } from './builders/nodejs.js';
import { planPhp } from './builders/php.js';
import { planPython } from './builders/python.js';
import { planRuby } from './builders/ruby.js';
import { planStatic } from './builders/static.js';
import type { Planner } from './plan.js';


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
