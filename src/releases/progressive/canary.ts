import type { Release } from '../../store/types.js';
import { applyRelease, failedOutcome, watchRelease, type DeployDeps, type Outcome } from '../roll-out.js';
import { verifyReadyRelease } from '../rollout/verify-release.js';
import { hold, holdFailure, RolloutParked } from './hold.js';
import { canarySteps, PROGRESSIVE_DEFAULTS, sideReplicas, sideServiceName, weightedRouter, workloadName, type SideReplicas } from './plan.js';
import { applyManifests } from '../cluster/apply.js';
import { withBackends } from '../render/http-route.js';
import type { Manifest } from '../render/manifest.js';
import { judgeStep, startProgress, stepFailure } from './progress.js';
import { metricAnalysis } from './metric-analysis.js';
import { ProgressRecorder } from './recorder.js';
import { ensureSideService, retireSides, scaleSide, sideHealth } from './sides.js';

/**
 * Rolls a release out as a canary beside `stable`, the release that runs: at each step the
 * canary side gets its share of the app's pods (the replica ratio: the app's Service selects the
 * pods of both), becomes ready, and is judged — every pod ready, no container restarting, and
 * its verification by real requests passed — then holds for the pause (or a `slipway promote`),
 * watched. The last step runs the app's full scale on the canary, then the stable side goes to 0.
 * A failed step, an abort or a newer release ends it failed, with the canary still beside the
 * stable side; deploy-release.ts takes the canary's pods away first, so all traffic is back on
 * the stable release at once. A resumed rollout starts again at the step it had reached.
 */
export async function rollOutCanary(params: { deps: DeployDeps; release: Release; stable: Release; startedAt: Date }): Promise<{ outcome: Outcome; release: Release }> {
  const { deps, stable } = params;
  const { app, config } = params.release;
  const namespace = config.namespace;
  const strategy = config.strategy!;
  const steps = canarySteps(strategy);
  const side = workloadName({ app, release: params.release.number, config });
  const stableSide = workloadName({ app, release: stable.number, config: stable.config });
  const total = async () => (await deps.apps.find(app))?.deploy.replicas ?? config.replicas;
  // With a weighted router the share is the route's weight, exact, and the stable side keeps its
  // full scale (as Argo Rollouts does with traffic routing); without one it is the pod ratio.
  const router = weightedRouter(config);
  const route = (rec: ProgressRecorder) => (rec.release.manifests as Manifest[]).find((m) => m.kind === 'HTTPRoute');
  const divideFor = async (weight: number): Promise<SideReplicas> => {
    const count = await total();
    const ratio = sideReplicas({ total: count, weight });
    return router ? { canary: ratio.canary, stable: count, share: weight } : ratio;
  };
  const rec = new ProgressRecorder(deps.releases, params.release);
  const now = () => new Date().toISOString();
  let first = 0;
  if (rec.release.progress?.strategy === 'Canary') {
    first = rec.progress.step - 1;
    await rec.record({}, `resumed at step ${first + 1}`);
  } else {
    const replicas = await total();
    rec.release = await deps.releases.update(app, rec.release.number, { progress: startProgress({ strategy: 'Canary', stable: stable.number, steps, replicas: { release: 0, stable: replicas }, at: now(), ...(router ? { gateway: `${router.namespace ?? namespace}/${router.name}` } : {}) }) });
  }
  const done = (outcome: Outcome) => ({ outcome, release: rec.release });
  try {
    // A side left behind by a crashed rollout would take traffic it was never judged for.
    await retireSides({ kc: deps.kc, namespace, app, keep: [side, stableSide] });
    let sides: SideReplicas = { canary: 0, stable: 0, share: 0 };
    // What the stable side runs now: the app's scale until the first step takes its share.
    let stableNow = rec.progress.replicas.stable;
    const divide = async (weight: number): Promise<Outcome> => {
      sides = await divideFor(weight);
      const stepStart = new Date();
      // The canary's pods first and ready, then the stable side gives up its share: capacity never drops.
      await applyRelease(deps, rec.release, { replicas: sides.canary, pick: (ms) => ms.filter((m) => m.kind !== 'HTTPRoute') });
      const ready = await watchRelease(deps, rec.release, stepStart);
      if (ready.state !== 'ready') return ready;
      if (router) {
        const stableService = sideServiceName(app, stable.number);
        await ensureSideService({ kc: deps.kc, namespace, app, release: stable, name: stableService });
        await applyManifests(deps.kc, [withBackends(route(rec)!, [{ service: stableService, weight: 100 - weight }, { service: sideServiceName(app, rec.release.number), weight }])]);
        stableNow = sides.stable;
      } else if (weight < 100) {
        await scaleSide({ kc: deps.kc, namespace, name: stableSide, replicas: sides.stable });
        stableNow = sides.stable;
      }
      return ready;
    };
    for (let i = first; i < steps.length; i++) {
      const weight = steps[i]!;
      const step = i + 1;
      const startedAt = now();
      await rec.record({ phase: 'analysing', step }, `step ${step}: ${weight}% asked`);
      const ready = await divide(weight);
      if (ready.state !== 'ready') return done(ready);
      const replicas = { release: sides.canary, stable: stableNow };
      const share = router ? weight : Math.round((sides.canary * 100) / Math.max(1, sides.canary + stableNow));
      await rec.record({ share, replicas }, `step ${step}: ${sides.canary} canary and ${stableNow} stable pods ready: ${share}% of the traffic on the canary${router ? ' (route weights)' : ''}`);
      const verification = await verifyReadyRelease({ kc: deps.kc, release: rec.release, replicas: sides.canary, installDefault: deps.verifyReleases });
      const health = await sideHealth({ kc: deps.kc, namespace, app, release: rec.release.number });
      const metric = await metricAnalysis({ ...(deps.prometheusUrl ? { prometheusUrl: deps.prometheusUrl } : {}), release: rec.release, stable: stable.number });
      const analysis = judgeStep({ step, weight, share: rec.progress.share, replicas, health, baselineRestarts: 0, verification, ...(metric ? { metric } : {}), startedAt, finishedAt: now() });
      await rec.record({ analyses: [...rec.progress.analyses, analysis] }, `step ${step}: analysis ${analysis.state}: ${analysis.message}`, { verification });
      if (analysis.state === 'failed') {
        return done({ state: 'failed', ...stepFailure({ verification, health, ...(metric ? { metric } : {}) }), message: `canary step ${step} (${rec.progress.share}% of traffic): ${analysis.message}` });
      }
      if (step === steps.length) break;
      const manual = strategy.manualPromotion === true;
      const pause = strategy.pauseSeconds ?? PROGRESSIVE_DEFAULTS.pauseSeconds;
      const until = manual ? undefined : new Date(Date.now() + pause * 1000);
      await rec.record(
        { phase: manual ? 'awaiting-promotion' : 'paused', ...(until ? { pausedUntil: until.toISOString() } : {}) },
        manual ? `step ${step}: waiting for slipway promote` : `step ${step}: paused ${pause} s`,
      );
      const end = await hold({
        deps,
        release: rec.release,
        ...(until ? { until } : {}),
        watch: { baselineRestarts: health.restarts },
        onTick: async () => {
          // `slipway scale` meanwhile: the same share of the new scale on each side.
          const wanted = await divideFor(weight);
          if (wanted.canary === sides.canary && wanted.stable === sides.stable) return undefined;
          sides = wanted;
          stableNow = wanted.stable;
          await scaleSide({ kc: deps.kc, namespace, name: side, replicas: wanted.canary });
          await scaleSide({ kc: deps.kc, namespace, name: stableSide, replicas: wanted.stable });
          await rec.record({ share: wanted.share, replicas: { release: wanted.canary, stable: wanted.stable } }, `scaled: ${wanted.canary} canary and ${wanted.stable} stable pods`);
          const ready = await watchRelease(deps, rec.release, new Date());
          return ready.state === 'ready' ? undefined : { kind: 'unhealthy' as const, health: await sideHealth({ kc: deps.kc, namespace, app, release: rec.release.number }) };
        },
      });
      rec.release = { ...rec.release, progress: { ...rec.progress, pausedUntil: undefined } };
      if (end.kind === 'promote') {
        await rec.record({ phase: 'analysing' }, end.full ? `promoted by a user to the last step` : `step ${step}: promoted by a user`);
        if (end.full) i = steps.length - 2;
        continue;
      }
      if (end.kind !== 'elapsed') {
        const failure = holdFailure(end, `at canary step ${step} (${rec.progress.share}% of traffic)`);
        return done({ state: 'failed', ...failure });
      }
      // The metric again at the end of the pause: it has seen the step's traffic since.
      const again = await metricAnalysis({ ...(deps.prometheusUrl ? { prometheusUrl: deps.prometheusUrl } : {}), release: rec.release, stable: stable.number });
      if (again?.state === 'failed') {
        const analyses = rec.progress.analyses.map((a) => (a.step === step ? { ...a, state: 'failed' as const, metric: again, message: `Prometheus at the end of the pause: ${again.query} → ${again.message}` } : a));
        await rec.record({ analyses }, `step ${step}: Prometheus at the end of the pause: ${again.message}`);
        return done({ state: 'failed', reason: 'MetricFailed', message: `canary step ${step} (${rec.progress.share}% of traffic): Prometheus ${again.query} → ${again.message}`, pods: [] });
      }
    }
    // Promoted: the stable side hands over all its traffic.
    await scaleSide({ kc: deps.kc, namespace, name: stableSide, replicas: 0 });
    await rec.record({ phase: 'promoted', share: 100, replicas: { release: sides.canary, stable: 0 } }, `promoted: all traffic on release ${rec.release.number}, ${stableSide} scaled to 0`);
    return done({ state: 'ready', message: `canary promoted after ${steps.length} steps`, pods: [] });
  } catch (error) {
    if (error instanceof RolloutParked) throw error;
    return done(failedOutcome('ClusterUnreachable', error));
  }
}
