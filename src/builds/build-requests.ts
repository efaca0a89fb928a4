import { resolveBranch } from '../git/clone.js';
import { queueBuild, requestCancel, type QueueingDeps } from '../queue/build-queueing.js';
import type { App, Build, BuildTrigger } from '../store/types.js';

/** Queues a build of `sha`, or of the tracked branch's head (`git ls-remote`), as `oc start-build` does. */
export async function startBuild(deps: QueueingDeps, params: { app: App; sha?: string; trigger: BuildTrigger }): Promise<Build> {
  const { app, trigger } = params;
  const sha = params.sha ?? (await resolveBranch({ url: app.repo, branch: app.branch }));
  const build = await deps.builds.create({ app, ref: `refs/heads/${app.branch}`, sha, trigger });
  await queueBuild(deps, { build });
  return build;
}

/** Cancels a build: a queued one at once; a running one stops its docker build and ends `cancelled`. */
export async function cancelBuild(deps: QueueingDeps, params: { buildId: string; reason: string }): Promise<Build> {
  return requestCancel(deps, params.buildId, params.reason);
}
