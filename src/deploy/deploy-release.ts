import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { SlipwayError } from '../errors.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { Release } from '../store/types.js';
import { applyManifests, deleteReleasePods, ensureNamespace, kubeMessage } from './apply.js';
import type { Manifest } from './render.js';
import { watchRollout } from './rollout.js';
import type { WorkloadStatus } from './workload-status.js';

export interface DeployDeps {
  kc: KubeConfig;
  releases: ReleaseStore;
  logger: Logger;
}

/**
 * Rolls out one release and settles it:
 * - ready → it becomes `current`; the one before becomes `superseded` (or `rolled-back`
 *   when this release is a rollback away from it);
 * - failed → it is `failed` with the reason, and the current release's *entire* stored
 *   spec (image, env, probes, resources) is applied again and watched until it is ready,
 *   so a bad push is undone in seconds rather than after a 600 s progress deadline.
 */
export async function deployRelease(deps: DeployDeps, params: { app: string; number: number }): Promise<Release> {
  const { releases, logger } = deps;
  let release = await releases.get(params.app, params.number);
  if (!['pending', 'deploying'].includes(release.status)) {
    // A redelivered job for a release that already settled must not apply it again.
    logger.warn({ app: release.app, release: release.number, status: release.status }, 'release already settled');
    return release;
  }
  const previous = await releases.current(release.app);
  // `deploying` means a worker died mid-rollout: resume it, deadlines still counted from the first apply.
  const resumed = release.status === 'deploying' && release.startedAt;
  const startedAt = resumed ? new Date(release.startedAt!) : new Date();
  release = await releases.update(release.app, release.number, { status: 'deploying', startedAt: startedAt.toISOString() });
  logger.info({ app: release.app, release: release.number, image: release.image, previous: previous?.number, resumed: Boolean(resumed) }, 'rolling out');

  const status = await rollOut(deps, release, startedAt);
  const finishedAt = new Date().toISOString();
  if (status.state === 'ready') {
    if (previous && previous.number !== release.number) {
      await releases.setStatus(previous.app, previous.number, release.trigger.kind === 'rollback' ? 'rolled-back' : 'superseded');
    }
    await releases.setCurrent(release.app, release.number);
    logger.info({ app: release.app, release: release.number }, 'release is current');
    return releases.update(release.app, release.number, { status: 'current', finishedAt });
  }

  const failure = { reason: status.reason ?? 'Failed', message: status.message, pods: status.pods, detectedAt: finishedAt };
  logger.warn({ app: release.app, release: release.number, failure }, 'rollout failed');
  if (!previous) {
    return releases.update(release.app, release.number, {
      status: 'failed',
      failure: { ...failure, message: `${failure.message}; no earlier release to roll back to` },
      finishedAt,
    });
  }
  const restoreStartedAt = new Date();
  const restored = await rollOut(deps, previous, restoreStartedAt, release);
  const ready = restored.state === 'ready';
  logger.info({ app: release.app, release: release.number, rolledBackTo: previous.number, ready }, 'rolled back');
  return releases.update(release.app, release.number, {
    status: 'failed',
    failure,
    rolledBackTo: { number: previous.number, ready, message: ready ? `release ${previous.number} is serving again` : restored.message, settledAt: new Date().toISOString() },
    finishedAt: new Date().toISOString(),
  });
}

/** What a rollout came to: the workload's status, or a failure to reach or apply to the cluster. */
type Outcome = Omit<WorkloadStatus, 'reason'> & { reason?: string };

/** Applies a release's stored manifests and watches them; an apply or watch error is a failed rollout. */
async function rollOut(deps: DeployDeps, release: Release, startedAt: Date, replacing?: Release): Promise<Outcome> {
  const { config } = release;
  const failed = (reason: string, error: unknown): Outcome => ({
    state: 'failed',
    reason,
    message: error instanceof SlipwayError ? error.message : kubeMessage(error),
    pods: [],
  });
  try {
    await ensureNamespace({ kc: deps.kc, namespace: config.namespace, app: release.app });
    await applyManifests(deps.kc, release.manifests as Manifest[]);
    // A StatefulSet does not replace a pod that never became ready after its template is
    // reverted: "you must also delete any Pods that StatefulSet had already attempted to run
    // with the bad configuration" (Kubernetes docs, StatefulSet "Forced rollback").
    if (replacing && config.kind === 'StatefulSet') {
      await deleteReleasePods({ kc: deps.kc, namespace: config.namespace, app: release.app, release: replacing.number });
    }
  } catch (error) {
    return failed('ApplyFailed', error);
  }
  return watchRollout({
    kc: deps.kc,
    logger: deps.logger,
    target: {
      app: release.app,
      release: release.number,
      namespace: config.namespace,
      kind: config.kind,
      startedAt,
      readinessDeadlineSeconds: config.readinessDeadlineSeconds,
      maxRestarts: config.maxRestarts,
    },
  }).catch((error: unknown) => failed('ClusterUnreachable', error));
}
