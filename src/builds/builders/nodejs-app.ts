import type { BuilderPlan, PlanInput } from '../plan.js';
import { parseEnvironmentFile, S2I_FILES } from '../s2i-overrides.js';
import { NODE_LOCKFILES, planNodejs } from './nodejs.js';
import { workspaceCopyLines, workspaceGlobs, workspaceManifests } from './node-workspaces.js';

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
  const packageJson = (await read('package.json')) ?? '';
  const plan = planNodejs({ packageJson, files, lockTexts, env, outsideLockfile: await lockfileAbove(input) });
  const workspace = await workspaceStep({ input, packageJson });
  return {
    values: {
      manifests: plan.manifests.join(' '),
      workspaceManifests: workspace?.lines ?? '',
      installCommand: plan.installCommand,
      buildSteps: plan.buildSteps,
      pruneStep: plan.pruneStep,
      nodeEnv: plan.nodeEnv,
      startCommand: plan.startCommand,
    },
    reasons: workspace ? [...plan.reasons, workspace.reason] : plan.reasons,
  };
}

/** A workspace's package manifests, copied before the install (node-workspaces.ts). */
async function workspaceStep(params: { input: PlanInput; packageJson: string }): Promise<{ lines: string; reason: string } | undefined> {
  const { input, packageJson } = params;
  const pnpmWorkspace = input.files.includes('pnpm-workspace.yaml') ? await input.read('pnpm-workspace.yaml') : undefined;
  const found = workspaceGlobs({ packageJson, ...(pnpmWorkspace !== undefined ? { pnpmWorkspace } : {}) });
  if (!found) return undefined;
  const manifests = await workspaceManifests({ globs: found.globs, list: input.list });
  const reason = 'all' in manifests
    ? `install: the whole context before the install (${manifests.all}, ${found.from}): no dependency layer of its own`
    : `install: workspace manifests first (${found.from}): ${manifests.dirs.join(', ') || 'no package folders found'}`;
  // pnpm knows it is in a workspace only from pnpm-workspace.yaml itself.
  const pnpmFile = pnpmWorkspace !== undefined && !('all' in manifests) ? ['COPY pnpm-workspace.yaml ./'] : [];
  return { lines: [...pnpmFile, workspaceCopyLines(manifests)].filter(Boolean).join('\n'), reason };
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
