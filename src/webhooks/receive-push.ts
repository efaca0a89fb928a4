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

/** Dedupe by delivery id, decide, record and queue the build; every answer is a build id or a reason. */
export async function receivePush(deps: ReceiveDeps, params: { app: App; event: PushEvent }): Promise<PushAnswer> {
  const { app, event } = params;
  const delivery = { provider: event.provider, app: app.name, deliveryId: event.deliveryId };
  // Redeliveries carry the same delivery id: answer with what the first one got.
  const claim = await deps.deliveries.claim(delivery);
  if (!claim.first) return { verdict: 'duplicate', body: { ignored: true, reason: 'duplicate delivery', ...(claim.buildId ? { buildId: claim.buildId } : {}) } };
  const decision = decidePush(app, event);
  if (!decision.build) return { verdict: 'ignored', body: { ignored: true, reason: decision.reason } };
  const build = await deps.builds.create({ app, ref: event.ref, sha: event.sha, trigger: { kind: 'webhook', provider: event.provider, deliveryId: event.deliveryId } });
  await deps.deliveries.recordBuild({ ...delivery, buildId: build.id });
  await queueBuild(deps, { build, cancelRunning: deps.config.cancelRunningBuilds });
  return { verdict: 'queued', body: { buildId: build.id } };
}
