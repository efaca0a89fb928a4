import { resolveBranch } from '../git/clone.js';
import type { App, Build, BuildTrigger } from '../store/types.js';
import { queueBuild, type QueueingDeps } from '../queue/build-queueing.js';

/** Queues a build of `sha`, or of the tracked branch's head (`git ls-remote`), as `oc start-build` does. */
export async function startBuild(deps: QueueingDeps, params: { app: App; sha?: string; trigger: BuildTrigger }): Promise<Build> {
  const { app, trigger } = params;
  const sha = params.sha ?? (await resolveBranch({ url: app.repo, branch: app.branch }));
  const build = await deps.builds.create({ app, ref: `refs/heads/${app.branch}`, sha, trigger });
  await queueBuild(deps, { build });
  return build;
}
