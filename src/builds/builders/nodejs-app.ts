import type { BuilderPlan, PlanInput } from '../plan.js';
import { parseEnvironmentFile, S2I_FILES } from '../s2i-overrides.js';
import { NODE_LOCKFILES, planNodejs } from './nodejs.js';

/**
 * The nodejs planner on a checkout: reads what planNodejs decides from (package.json, the
 * lockfiles, the `.s2i` environment files for NPM_RUN, NODE_ENV and DEV_MODE, and whether a
 * lockfile sits above the context dir, as in a workspace) and returns the template's values.
 */
export async function planNodejsApp(input: PlanInput): Promise<BuilderPlan> {
  const { files, read } = input;
  const lockTexts: Record<string, string> = {};
  for (const file of NODE_LOCKFILES.filter((f) => files.includes(f))) {
    const text = await read(file);
    if (text !== undefined) lockTexts[file] = text;
  }
  const env = {
    ...parseEnvironmentFile(S2I_FILES.environment, (await read(S2I_FILES.environment)) ?? ''),
    ...parseEnvironmentFile(S2I_FILES.runtimeEnvironment, (await read(S2I_FILES.runtimeEnvironment)) ?? ''),
  };
  const plan = planNodejs({ packageJson: (await read('package.json')) ?? '', files, lockTexts, env, outsideLockfile: await lockfileAbove(input) });
  return {
    values: {
      manifests: plan.manifests.join(' '),
      installCommand: plan.installCommand,
      buildSteps: plan.buildSteps,
      pruneStep: plan.pruneStep,
      nodeEnv: plan.nodeEnv,
      startCommand: plan.startCommand,
    },
    reasons: plan.reasons,
  };
}

/** The nearest lockfile in a directory above the context dir, relative to it (`../package-lock.json`). */
async function lockfileAbove(input: PlanInput): Promise<string | undefined> {
  const depth = !input.relativeDir || input.relativeDir === '.' ? 0 : input.relativeDir.split('/').length;
  for (let up = 1; up <= depth; up++) {
    const dir = Array(up).fill('..').join('/');
    const names = await input.list(dir);
    const lockfile = NODE_LOCKFILES.find((f) => names.includes(f));
    if (lockfile) return `${dir}/${lockfile}`;
  }
  return undefined;
}
