import { resolveBranch } from '../git/clone.js';
import { enqueueBuild, type BuildQueue } from '../queue/build-queue.js';
import type { BuildStore } from '../store/build-store.js';
import type { App, Build, BuildTrigger } from '../store/types.js';

/** Queues a build of `sha`, or of the tracked branch's head (`git ls-remote`), as `oc start-build` does. */
export async function startBuild(params: { builds: BuildStore; buildQueue: BuildQueue; app: App; sha?: string; trigger: BuildTrigger }): Promise<Build> {
  const { builds, buildQueue, app, trigger } = params;
  const sha = params.sha ?? (await resolveBranch({ url: app.repo, branch: app.branch }));
  const build = await builds.create({ app, ref: `refs/heads/${app.branch}`, sha, trigger });
  await enqueueBuild(buildQueue, build);
  return build;
}
