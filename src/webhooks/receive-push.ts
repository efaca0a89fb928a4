import { branchContains } from '../git/branch-contains.js';
import { repoUrlPolicy } from '../git/repo-url.js';
import { handOff } from '../queue/build-queueing.js';
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

type ReceiveDeps = Pick<Services, 'deliveries' | 'builds' | 'buildQueue' | 'redis' | 'keys' | 'config' | 'repoCredentials'>;

/**
 * Dedupe by delivery id, decide, check the commit, record and queue the build; every answer is a
 * build id or a reason.
 */
export async function receivePush(deps: ReceiveDeps, params: { app: App; event: PushEvent }): Promise<PushAnswer> {
  const { app, event } = params;
  const delivery = { provider: event.provider, app: app.name, deliveryId: event.deliveryId };
  const decision = decidePush(app, event);
  const refusal = decision.build ? await branchRefusal(deps, { app, event, branch: decision.branch }) : undefined;
  if (!decision.build || refusal) {
    // Redeliveries carry the same delivery id: answer with what the first one got.
    const claim = await deps.deliveries.claim(delivery);
    if (!claim.first) return duplicate(claim.buildId);
    return { verdict: 'ignored', body: { ignored: true, reason: decision.build ? refusal! : decision.reason } };
  }
  // One atomic step claims the delivery, refuses a commit of the branch queued before (`sha
  // already built`: signatures cover the body, not the delivery id, so a captured body replayed
  // under a new id would otherwise build, and deploy, an old commit again), and records the
  // queued build; a crash after it leaves a build the sweeper hands to the queue.
  const created = await deps.builds.createQueued({
    app,
    ref: event.ref,
    sha: event.sha,
    trigger: { kind: 'webhook', provider: event.provider, deliveryId: event.deliveryId },
    delivery: deps.deliveries.claimKey(delivery),
    once: true,
  });
  if (created.kind === 'duplicate') return duplicate(created.buildId);
  if (created.kind === 'built') return { verdict: 'ignored', body: { ignored: true, reason: 'sha already built', buildId: created.buildId } };
  await handOff(deps, { ...created, cancelRunning: deps.config.cancelRunningBuilds });
  return { verdict: 'queued', body: { buildId: created.build.id } };
}

const duplicate = (buildId?: string): PushAnswer => ({ verdict: 'duplicate', body: { ignored: true, reason: 'duplicate delivery', ...(buildId ? { buildId } : {}) } });

/**
 * Why a buildable push of the generic hook must not build, if it must not: its body is not signed
 * by a git host, so the commit must be the branch's head or reachable from it
 * (git/branch-contains.ts); else a holder of the hook URL could build any commit the server hands
 * out, a fork's pull request included. Checked before the delivery is claimed: when the repo is
 * unreachable the request fails and the sender may retry the same delivery.
 */
async function branchRefusal(deps: ReceiveDeps, params: { app: App; event: PushEvent; branch: string }): Promise<string | undefined> {
  const { app, event, branch } = params;
  if (event.provider !== 'generic') return undefined;
  const access = await deps.repoCredentials.access(app.name);
  const found = await branchContains({ url: app.repo, branch, sha: event.sha, policy: repoUrlPolicy(deps.config), access, workDir: deps.config.workDir });
  return found.onBranch ? undefined : 'sha not on branch';
}
