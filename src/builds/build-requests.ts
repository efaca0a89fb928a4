import type { Config } from '../config.js';
import { resolveBranch } from '../git/clone.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import { queueBuild, requestCancel, type QueueingDeps } from '../queue/build-queueing.js';
import type { RepoCredentialStore } from '../store/repo-credential-store.js';
import type { App, Build, BuildTrigger } from '../store/types.js';

/** Queues a build of `sha`, or of the tracked branch's head (`git ls-remote`), as `oc start-build` does. */
export async function startBuild(
  deps: QueueingDeps & { config: Pick<Config, 'allowedRepoSchemes' | 'allowPrivateRepoHosts'>; repoCredentials?: Pick<RepoCredentialStore, 'access'> },
  params: { app: App; sha?: string; trigger: BuildTrigger },
): Promise<Build> {
  const { app, trigger } = params;
  // issue 14, SSRF: ls-remote checks the repo host again (it may resolve elsewhere now).
  // issue 19: with the app's repo credential, if it has one (a template's new app has none yet).
  const sha = params.sha ?? (await resolveBranch({ url: app.repo, branch: app.branch, policy: repoUrlPolicy(deps.config), access: await deps.repoCredentials?.access(app.name) }));
  return queueBuild(deps, { app, ref: `refs/heads/${app.branch}`, sha, trigger });
}

/** Cancels a build: a queued one at once; a running one stops its docker build and ends `cancelled`. */
export async function cancelBuild(deps: QueueingDeps, params: { buildId: string; reason: string }): Promise<Build> {
  return requestCancel(deps, params.buildId, params.reason);
}
