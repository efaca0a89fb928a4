import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { NamespaceRules, PodPlacement } from '../config.js';
import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { ReleaseStore } from '../store/release-store.js';
import { namespaceRefusal } from '../store/deploy-config.js';
import type { SecretStore } from '../store/secret-store.js';
import type { HookRun, HookSpec, Release } from '../store/types.js';
import { applyManifests, deleteReleasePods, ensureNamespace, kubeMessage } from './cluster/apply.js';
import { prepareRelease } from './prepare-release.js';
import type { Manifest } from './render/manifest.js';
import type { HookPhase } from './hooks/render-hook.js';
import { watchRollout } from './rollout/watch-rollout.js';
import { runHook } from './hooks/run-hook.js';
import { releaseHooks } from './hooks/release-phase.js';
import { withPlacement } from './render/placement.js';
import { withPullSecret, type RegistryCredentials } from './render/pull-secret.js';
import { withReplicas } from './render/with-replicas.js';
import { withRunAs } from './render/run-as.js';
import type { WorkloadStatus } from './rollout/workload-status.js';
import { verificationProblems } from './rollout/verification.js';
import { verifyReadyRelease } from './rollout/verify-release.js';
import { withCrashLogs } from './cluster/crash-logs.js';
import { pruneRelease } from './cluster/prune-release.js';
import { configRevert, type ConfigRevert } from './rollback/config-revert.js';

export interface DeployDeps {
  kc: KubeConfig;
  releases: ReleaseStore;
  apps: AppStore;
  secrets: SecretStore;
  logger: Logger;
  /** Create app namespaces (true), or deploy only into existing ones Slipway is bound in (config.manageNamespaces). */
  manageNamespaces: boolean;
  /** Namespaces apps may use at all (config.namespaces): checked again before anything is applied. */
  namespaces: NamespaceRules;
  /** Where app and hook pods run (config.podPlacement): install config, added at apply time. */
  placement: PodPlacement;
  /** The registry and its credentials (config.registry): kept as a pull secret in each app namespace. */
  registry?: RegistryCredentials;
  /** Pods run as their namespace's assigned uid, OpenShift-style (config.arbitraryUids): added at apply time. */
  arbitraryUids?: boolean;
  /** Verify releases by real requests unless an app says otherwise (config.verifyReleases). */
  verifyReleases: boolean;
}

/**
 * Rolls out one release and settles it:
 * - its `pre` hook fails → it is `failed` and nothing of its workload was applied: the
 *   current release never stopped serving;
 * - ready (and its `post` hook passed, or failed with `onFailure: report`) → it becomes `current`; the one before becomes `superseded` (or `rolled-back`
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
  if (previous && previous.number > release.number) {
    // Rollouts queued in one order may run in another (a crashed worker's job taken over late,
    // a rollout cut off by its worker's death and resumed after a newer one went out): a newer
    // release became current first, and this one would only take the app back.
    logger.warn({ app: release.app, release: release.number, current: previous.number, status: release.status }, 'a newer release is current: not rolled out');
    return releases.update(release.app, release.number, { status: 'superseded', finishedAt: new Date().toISOString() });
  }
  // `deploying` means a worker died mid-rollout: resume it, deadlines still counted from the first apply.
  const resumed = release.status === 'deploying' && release.startedAt;
  const startedAt = resumed ? new Date(release.startedAt!) : new Date();
  release = await releases.update(release.app, release.number, { status: 'deploying', startedAt: startedAt.toISOString() });
  logger.info({ app: release.app, release: release.number, image: release.image, previous: previous?.number, resumed: Boolean(resumed) }, 'rolling out');

  const unmanaged = await notManaged(deps, release);
  if (unmanaged) {
    // A setup problem, not a bad release: stop before any hook or apply, with a reason that says so.
    const at = new Date().toISOString();
    logger.warn({ app: release.app, release: release.number, namespace: release.config.namespace, code: unmanaged.code }, 'namespace not managed: nothing rolled out');
    return releases.update(release.app, release.number, {
      status: 'failed',
      failure: { reason: unmanaged.code === 'NAMESPACE_FORBIDDEN' ? 'NamespaceForbidden' : 'NamespaceNotManaged', message: `${unmanaged.message}; nothing of release ${release.number} was rolled out`, pods: [], detectedAt: at },
      finishedAt: at,
    });
  }

  // A restart replaces the pods of the release that runs; its code and config already passed its hooks.
  // The pre hook is the app's, else the image's Procfile `release:` (release.preHook says which).
  const hooks = release.trigger.kind === 'restart' ? {} : releaseHooks(release);
  let rolloutStartedAt = startedAt;
  if (hooks.pre && release.hooks?.pre?.state !== 'succeeded') {
    const pre = await hook(deps, release, 'pre', hooks.pre);
    release = await releases.update(release.app, release.number, { hooks: { ...release.hooks, pre } });
    if (pre.state !== 'succeeded') {
      const at = new Date().toISOString();
      logger.warn({ app: release.app, release: release.number, hook: pre }, 'pre hook failed: nothing rolled out');
      return releases.update(release.app, release.number, {
        status: 'failed',
        failure: {
          reason: pre.reason === 'DeadlineExceeded' ? 'PreHookDeadlineExceeded' : 'PreHookFailed',
          message: `pre hook ${pre.message}; nothing of release ${release.number} was rolled out${previous ? `, release ${previous.number} keeps serving` : ''}`,
          pods: hookPods(pre),
          detectedAt: at,
        },
        finishedAt: at,
      });
    }
    rolloutStartedAt = new Date();
  } else if (release.hooks?.pre?.finishedAt) {
    rolloutStartedAt = new Date(release.hooks.pre.finishedAt);
  }

  let status: Outcome = await rollOut(deps, release, rolloutStartedAt);
  if (status.state === 'ready') {
    // Ready is what Kubernetes says; before the release becomes current it must also answer.
    const replicas = (await deps.apps.find(release.app))?.deploy.replicas ?? release.config.replicas;
    const verification = await verifyReadyRelease({ kc: deps.kc, release, replicas, installDefault: deps.verifyReleases });
    release = await releases.update(release.app, release.number, { verification });
    if (verification.state === 'failed') {
      logger.warn({ app: release.app, release: release.number, verification }, 'verification failed');
      status = { state: 'failed', reason: 'VerificationFailed', message: `verification: ${verification.message}`, pods: verificationProblems(verification) };
    }
  }
  if (status.state === 'ready' && hooks.post) {
    const post = await hook(deps, release, 'post', hooks.post);
    release = await releases.update(release.app, release.number, { hooks: { ...release.hooks, post } });
    if (post.state !== 'succeeded') {
      logger.warn({ app: release.app, release: release.number, hook: post, onFailure: hooks.post.onFailure }, 'post hook failed');
      if (hooks.post.onFailure === 'rollback') {
        const reason = post.reason === 'DeadlineExceeded' ? 'PostHookDeadlineExceeded' : 'PostHookFailed';
        status = { state: 'failed', reason, message: `post hook ${post.message}`, pods: hookPods(post) };
      }
    }
  }
  const finishedAt = new Date().toISOString();
  if (status.state === 'ready') {
    // The pointer only moves forward (one compare-and-set): a newer release current meanwhile keeps it.
    if (!(await releases.setCurrent(release.app, release.number))) {
      logger.warn({ app: release.app, release: release.number }, 'a newer release became current meanwhile');
      return releases.update(release.app, release.number, { status: 'superseded', finishedAt });
    }
    if (previous && previous.number !== release.number) {
      await releases.setStatus(previous.app, previous.number, release.trigger.kind === 'rollback' ? 'rolled-back' : 'superseded');
    }
    logger.info({ app: release.app, release: release.number }, 'release is current');
    return releases.update(release.app, release.number, { status: 'current', finishedAt });
  }

  const pods = await withCrashLogs(deps.kc, release.config.namespace, status.pods);
  const failure = { reason: status.reason ?? 'Failed', message: status.message, pods, detectedAt: finishedAt };
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
  // The whole truth back (Argo Rollouts, Helm --atomic): the app's stored config says what runs,
  // and what only the failed release made is gone.
  const config = await revertConfig(deps, release, previous);
  const prune = await pruneFailed(deps, release, previous);
  logger.info({ app: release.app, release: release.number, rolledBackTo: previous.number, ready, ...config, ...prune }, 'rolled back');
  return releases.update(release.app, release.number, {
    status: 'failed',
    failure,
    rolledBackTo: { number: previous.number, ready, message: ready ? `release ${previous.number} is serving again` : restored.message, settledAt: new Date().toISOString(), ...config, ...prune },
    finishedAt: new Date().toISOString(),
  });
}

/**
 * Puts the app's stored config back to the restored release's, in one compare-and-set, unless
 * it was changed again since the failed release (rollback/config-revert.ts decides); answers
 * what to record.
 */
async function revertConfig(deps: DeployDeps, failed: Release, restored: Release): Promise<{ reverted?: string[]; configKept?: string }> {
  const newer = (await deps.releases.list(failed.app, 1))[0]?.number;
  let decision: ConfigRevert | undefined;
  try {
    await deps.apps.update(failed.app, (app) => {
      decision = configRevert({ app, failed, restored, ...(newer !== undefined ? { newer } : {}) });
      return decision.action === 'write' ? decision.app : undefined;
    });
  } catch (error) {
    // The app was deleted while its release rolled out: there is no config left to revert.
    if (error instanceof SlipwayError && error.code === 'APP_NOT_FOUND') return { configKept: `app "${failed.app}" no longer exists` };
    throw error;
  }
  if (!decision || decision.action === 'keep') return decision ? { configKept: decision.why } : {};
  return decision.reverted.length ? { reverted: decision.reverted } : {};
}

/** Deletes the objects only the failed release made; a cluster error is recorded, not thrown (the rollback itself is done). */
async function pruneFailed(deps: DeployDeps, failed: Release, restored: Release): Promise<{ pruned?: string[]; pruneError?: string }> {
  try {
    const pruned = await pruneRelease({ kc: deps.kc, failed, restored });
    return pruned.length ? { pruned } : {};
  } catch (error) {
    deps.logger.warn({ app: failed.app, release: failed.number, error: kubeMessage(error) }, "pruning the failed release's objects failed");
    return { pruneError: kubeMessage(error) };
  }
}

/**
 * The NAMESPACE_FORBIDDEN error when the release's namespace is not one apps may use at all
 * (issue 14: a record from before the rule, or written around the API), or NAMESPACE_NOT_MANAGED
 * when Slipway may not deploy into it. Other errors (the cluster unreachable, say) are left to
 * the rollout, which reports them.
 */
async function notManaged(deps: DeployDeps, release: Release): Promise<SlipwayError | undefined> {
  const reason = namespaceRefusal(release.config.namespace, deps.namespaces);
  if (reason) return new SlipwayError('NAMESPACE_FORBIDDEN', `namespace "${release.config.namespace}" is not one Slipway may deploy to: ${reason}`, { namespace: release.config.namespace });
  if (deps.manageNamespaces) return undefined;
  try {
    await ensureNamespace({ kc: deps.kc, namespace: release.config.namespace, app: release.app, manage: false, rules: deps.namespaces });
    return undefined;
  } catch (error) {
    return error instanceof SlipwayError && error.code === 'NAMESPACE_NOT_MANAGED' ? error : undefined;
  }
}

/** Runs a hook; a failure to prepare or reach the cluster is a failed hook, not a crashed worker. */
async function hook(deps: DeployDeps, release: Release, phase: HookPhase, spec: HookSpec): Promise<HookRun> {
  const startedAt = new Date().toISOString();
  try {
    const { imagePullSecret, runAs } = await prepareRelease(prepareParams(deps, release));
    return await runHook({ kc: deps.kc, logger: deps.logger, release, phase, hook: spec, placement: deps.placement, ...(imagePullSecret ? { imagePullSecret } : {}), ...(runAs ? { runAs } : {}) });
  } catch (error) {
    const message = error instanceof SlipwayError ? error.message : kubeMessage(error);
    return { phase, job: '-', state: 'failed', reason: 'ClusterError', message, startedAt, finishedAt: new Date().toISOString() };
  }
}

function prepareParams(deps: DeployDeps, release: Release): Parameters<typeof prepareRelease>[0] {
  const { kc, secrets, manageNamespaces, namespaces, registry, arbitraryUids } = deps;
  return { kc, secrets, release, manageNamespaces, namespaces, ...(registry ? { registry } : {}), arbitraryUids: arbitraryUids ?? false };
}

function hookPods(run: HookRun): Array<{ pod: string; container: string; reason: string; message?: string }> {
  return run.pod ? [{ pod: run.pod, container: 'hook', reason: run.reason ?? 'Failed', ...(run.exitCode !== undefined ? { message: `exit code ${run.exitCode}` } : {}) }] : [];
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
    const { imagePullSecret, runAs } = await prepareRelease(prepareParams(deps, release));
    const replicas = (await deps.apps.find(release.app))?.deploy.replicas;
    // Scale and placement are the app's and the install's now, not the release's: added here,
    // never stored in the release record's manifests (a rollback runs where the install says).
    // The pull secret too: only the deploy worker holds registry credentials (prepare-release.ts).
    // The uid as well: it is the namespace's (render/run-as.ts).
    await applyManifests(deps.kc, withRunAs(withPullSecret(withPlacement(withReplicas(release.manifests as Manifest[], replicas), deps.placement), imagePullSecret), runAs));
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
