import { LABELS } from '../render/labels.js';
import type { Manifest } from '../render/manifest.js';
import type { Release } from '../../store/types.js';
import { applyManifests } from '../cluster/apply.js';
import { applyRelease, failedOutcome, watchRelease, type DeployDeps, type Outcome } from '../roll-out.js';
import { verifyReadyRelease } from '../rollout/verify-release.js';
import { hold, holdFailure, RolloutParked } from './hold.js';
import { workloadName } from './plan.js';
import { judgeStep, startProgress, stepFailure } from './progress.js';
import { metricAnalysis } from './metric-analysis.js';
import { ProgressRecorder } from './recorder.js';
import { retireSides, sideHealth } from './sides.js';

/**
 * Rolls a release out blue-green beside `stable`, the release that runs: the app's Service is
 * held on the stable release's pods while the new side comes up at the app's full scale behind
 * the preview Service (and preview host); once it is ready and its verification passed (and a
 * user promoted it, with `manualPromotion`), the app's Service selector moves to it in one
 * change. The stable side keeps running: deploy-release.ts keeps it for the scale-down delay
 * (afterPromotion), so an abort switches straight back.
 */
export async function rollOutBlueGreen(params: { deps: DeployDeps; release: Release; stable: Release; startedAt: Date }): Promise<{ outcome: Outcome; release: Release }> {
  const { deps, stable } = params;
  const { app, config } = params.release;
  const namespace = config.namespace;
  const side = workloadName({ app, release: params.release.number, config });
  const stableSide = workloadName({ app, release: stable.number, config: stable.config });
  const replicas = (await deps.apps.find(app))?.deploy.replicas ?? config.replicas;
  const rec = new ProgressRecorder(deps.releases, params.release);
  const now = () => new Date().toISOString();
  if (rec.release.progress?.strategy !== 'BlueGreen') {
    rec.release = await deps.releases.update(app, rec.release.number, { progress: startProgress({ strategy: 'BlueGreen', stable: stable.number, steps: [100], replicas: { release: replicas, stable: replicas }, at: now() }) });
  }
  const done = (outcome: Outcome) => ({ outcome, release: rec.release });
  const isActiveService = (m: Manifest) => m.kind === 'Service' && m.metadata.name === app;
  try {
    await retireSides({ kc: deps.kc, namespace, app, keep: [side, stableSide] });
    // The app's Service stays on the stable release's pods (each carries its release's label)
    // until the switch: with a Rolling release before, it selected every pod of the app.
    const held = (manifests: Manifest[]) =>
      manifests.map((m) => (isActiveService(m) ? { ...m, spec: { ...(m.spec as object), selector: { ...((m.spec as { selector: Record<string, string> }).selector), [LABELS.release]: String(stable.number) } } } : m));
    const startedAt = new Date();
    await rec.record({ phase: 'analysing' }, `preview: ${side} with ${replicas} pods behind ${app}-preview; ${app} stays on release ${stable.number}`);
    await applyRelease(deps, rec.release, { pick: held });
    const ready = await watchRelease(deps, rec.release, startedAt);
    if (ready.state !== 'ready') return done(ready);
    const verification = await verifyReadyRelease({ kc: deps.kc, release: rec.release, replicas, installDefault: deps.verifyReleases });
    const health = await sideHealth({ kc: deps.kc, namespace, app, release: rec.release.number });
    const metric = await metricAnalysis({ ...(deps.prometheusUrl ? { prometheusUrl: deps.prometheusUrl } : {}), release: rec.release, stable: stable.number });
    const analysis = judgeStep({ step: 1, weight: 100, share: 0, replicas: rec.progress.replicas, health, baselineRestarts: 0, verification, ...(metric ? { metric } : {}), startedAt: startedAt.toISOString(), finishedAt: now() });
    await rec.record({ analyses: [analysis] }, `preview analysis ${analysis.state}: ${analysis.message}`, { verification });
    if (analysis.state === 'failed') {
      return done({ state: 'failed', ...stepFailure({ verification, health, ...(metric ? { metric } : {}) }), message: `preview of release ${rec.release.number}: ${analysis.message}; the app's Service never left release ${stable.number}` });
    }
    if (config.strategy?.manualPromotion) {
      await rec.record({ phase: 'awaiting-promotion' }, 'waiting for slipway promote');
      const end = await hold({ deps, release: rec.release, watch: { baselineRestarts: health.restarts } });
      if (end.kind !== 'promote' && end.kind !== 'elapsed') return done({ state: 'failed', ...holdFailure(end, `before the switch; the app's Service never left release ${stable.number}`) });
      await rec.record({}, 'promoted by a user');
    }
    // The switch: the release's own Service, whose selector names its pods; one change.
    await applyManifests(deps.kc, (rec.release.manifests as Manifest[]).filter(isActiveService));
    await rec.record({ phase: 'promoted', share: 100, switchedAt: now() }, `switched Service ${app} to release ${rec.release.number}`);
    return done({ state: 'ready', message: `switched to release ${rec.release.number}`, pods: [] });
  } catch (error) {
    if (error instanceof RolloutParked) throw error;
    return done(failedOutcome('ClusterUnreachable', error));
  }
}
