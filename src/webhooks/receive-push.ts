import { branchContains } from '../git/branch-contains.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import { queueBuild } from '../queue/build-queueing.js';
import type { Services } from '../services/services.js';
import type { App } from '../store/types.js';
import type { HookReply } from '../store/views.js';
import { decidePush, type PushEvent } from './push-event.js';

export type PushVerdict = 'duplicate' | 'ignored' | 'queued';

export interface PushAnswer {
  verdict: PushVerdict;
  /** The 202 body: a build id, or the reason nothing was built. */
  body: HookReply;
}

type ReceiveDeps = Pick<Services, 'deliveries' | 'builds' | 'buildQueue' | 'redis' | 'keys' | 'config'>;

/**
 * Dedupe by delivery id, decide, check the commit, record and queue the build; every answer is a
 * build id or a reason. The commit checks come before the delivery is claimed: when one cannot be
 * made (the repo is unreachable) the request fails and the sender may retry the same delivery.
 */
export async function receivePush(deps: ReceiveDeps, params: { app: App; event: PushEvent }): Promise<PushAnswer> {
  const { app, event } = params;
  const delivery = { provider: event.provider, app: app.name, deliveryId: event.deliveryId };
  const decision = decidePush(app, event);
  const refusal = decision.build ? await checkCommit(deps, { app, event, branch: decision.branch }) : undefined;
  // Redeliveries carry the same delivery id: answer with what the first one got.
  const claim = await deps.deliveries.claim(delivery);
  if (!claim.first) return { verdict: 'duplicate', body: { ignored: true, reason: 'duplicate delivery', ...(claim.buildId ? { buildId: claim.buildId } : {}) } };
  if (!decision.build) return { verdict: 'ignored', body: { ignored: true, reason: decision.reason } };
  if (refusal) return { verdict: 'ignored', body: { ignored: true, ...refusal } };
  const build = await deps.builds.create({ app, ref: event.ref, sha: event.sha, trigger: { kind: 'webhook', provider: event.provider, deliveryId: event.deliveryId } });
  await deps.deliveries.recordBuild({ ...delivery, buildId: build.id });
  await queueBuild(deps, { build, cancelRunning: deps.config.cancelRunningBuilds });
  return { verdict: 'queued', body: { buildId: build.id } };
}

/**
 * Why a buildable push must not build, if it must not:
 * - `sha already built`: a build of this commit of this branch was queued before, by any
 *   delivery. Signatures cover the body, not the delivery id, so a captured body replayed under
 *   a new id would otherwise build (and deploy) an old commit again.
 * - `sha not on branch` (generic hook only): its body is not signed by a git host, so the commit
 *   must be the branch's head or reachable from it (git/branch-contains.ts); else a holder of the
 *   hook URL could build any commit the server hands out, a fork's pull request included.
 */
async function checkCommit(deps: ReceiveDeps, params: { app: App; event: PushEvent; branch: string }): Promise<{ reason: string; buildId?: string } | undefined> {
  const { app, event, branch } = params;
  const earlier = await deps.builds.builtSha({ app: app.name, branch, sha: event.sha });
  if (earlier) return { reason: 'sha already built', buildId: earlier };
  if (event.provider !== 'generic') return undefined;
  const found = await branchContains({ url: app.repo, branch, sha: event.sha, policy: repoUrlPolicy(deps.config), workDir: deps.config.workDir });
  return found.onBranch ? undefined : { reason: 'sha not on branch' };
}
