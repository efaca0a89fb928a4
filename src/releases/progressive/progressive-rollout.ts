// What deploy-release.ts asks of a blue-green or canary rollout: run it, keep or retire the
// stable side once the release is current, and take the traffic back when it failed.
import type { Release } from '../../store/types.js';
import type { DeployDeps, Outcome } from '../roll-out.js';
import { rollOutBlueGreen } from './blue-green.js';
import { rollOutCanary } from './canary.js';
import { hold } from './hold.js';
import { PROGRESSIVE_DEFAULTS, progressiveType, sideServiceName, weightedRouter, workloadName } from './plan.js';
import { applyManifests } from '../cluster/apply.js';
import { withBackends } from '../render/http-route.js';
import type { Manifest } from '../render/manifest.js';
import { LABELS } from '../render/labels.js';
import { ProgressRecorder } from './recorder.js';
import { ensureSideService, retireSides, scaleSide } from './sides.js';

/** How long a router gets to apply new weights before the pods they moved away from go. */
const ROUTE_SETTLE_MS = 5000;

/** Rolls `release` out beside `stable` by its strategy (BlueGreen or Canary). */
export function rollOutProgressive(params: { deps: DeployDeps; release: Release; stable: Release; startedAt: Date }): Promise<{ outcome: Outcome; release: Release }> {
  return progressiveType(params.release.config) === 'BlueGreen' ? rollOutBlueGreen(params) : rollOutCanary(params);
}

/** True when the release took all the traffic (blue-green switched, canary promoted): restoring must come before its pods go. */
export function tookAllTraffic(release: Release): boolean {
  return Boolean(release.progress?.switchedAt) || release.progress?.phase === 'promoted';
}

/**
 * Before the stable release is re-applied after a failed step: the release's pods go at once, so
 * the share they had (a canary's, or a blue-green preview's) is back on the stable side in the
 * time endpoints take to update, not after the stable side is re-applied and watched.
 */
export async function dropNewSide(deps: DeployDeps, release: Release, stable: Release): Promise<void> {
  const route = weightedRouter(release.config) && (release.manifests as Manifest[]).find((m) => m.kind === 'HTTPRoute');
  // Behind a weighted router the route gives the stable release every request first: a canary
  // Service without pods would answer 503 for its share until the route is restored.
  // Labelled as the stable release's from then on: the route is what serves the app's host
  // through the Gateway, so the rollback keeps it (prune deletes what the failed release made).
  if (route) {
    const service = sideServiceName(release.app, stable.number);
    await ensureSideService({ kc: deps.kc, namespace: release.config.namespace, app: release.app, release: stable, name: service });
    const back = withBackends(route, [{ service, weight: 100 }]);
    await applyManifests(deps.kc, [{ ...back, metadata: { ...back.metadata, labels: { ...back.metadata.labels, [LABELS.release]: String(stable.number) } } }]);
    // The router takes the new weights on its own reload (Traefik throttles provider changes to
    // one per 2 s): the canary keeps its pods until then, or its share would meet a Service
    // without endpoints. Argo Rollouts waits likewise (abortScaleDownDelaySeconds).
    await new Promise((resolve) => setTimeout(resolve, ROUTE_SETTLE_MS));
  }
  const name = workloadName({ app: release.app, release: release.number, config: release.config });
  await scaleSide({ kc: deps.kc, namespace: release.config.namespace, name, replicas: 0 });
}

/** Records on a failed progressive release that the traffic is back on the stable one. */
export async function recordAborted(deps: DeployDeps, release: Release, message: string): Promise<Release> {
  if (!release.progress) return release;
  return new ProgressRecorder(deps.releases, release).record({ phase: 'aborted', share: 0 }, message);
}

/**
 * Once `release` is current: a blue-green release keeps the release before it scaled for the
 * scale-down delay, and answers `abort` when a user aborts meanwhile (the caller switches back);
 * then, and for every other release, the app's other Deployments are retired (the one that
 * served before is scaled to 0, older sides deleted: a Rolling release after a canary must not
 * leave the canary's pods behind its Service).
 */
export async function afterPromotion(deps: DeployDeps, release: Release, previous?: Release): Promise<'abort' | 'done'> {
  const { app, config } = release;
  const side = workloadName({ app, release: release.number, config });
  const previousSide = previous ? workloadName({ app, release: previous.number, config: previous.config }) : undefined;
  const rec = release.progress ? new ProgressRecorder(deps.releases, release) : undefined;
  if (rec && config.strategy?.type === 'BlueGreen' && previousSide && previousSide !== side) {
    const delay = config.strategy.scaleDownDelaySeconds ?? PROGRESSIVE_DEFAULTS.scaleDownDelaySeconds;
    const until = new Date(Date.now() + delay * 1000);
    await rec.record({ phase: 'scaling-down', scaleDownAt: until.toISOString() }, `${previousSide} stays scaled until ${until.toISOString()} for an instant abort`);
    // A closing worker ends the delay early rather than leave the previous side scaled for good.
    const end = await hold({ deps, release: rec.release, until, onStop: 'end' });
    if (end.kind === 'abort') return 'abort';
  }
  const retired = await retireSides({ kc: deps.kc, namespace: config.namespace, app, keep: [side], ...(previousSide && previousSide !== side ? { scaleDown: previousSide } : {}) });
  if (rec) await rec.record({ phase: 'done' }, retired.length ? retired.join(', ') : 'done');
  else if (retired.length) deps.logger.info({ app, release: release.number, retired }, 'retired the sides of earlier releases');
  return 'done';
}
