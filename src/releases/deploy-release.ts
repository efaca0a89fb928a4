import { SlipwayError } from '../errors.js';
import { namespaceRefusal } from '../store/deploy-config.js';
import type { HookRun, HookSpec, Release } from '../store/types.js';
import { ensureNamespace, kubeMessage } from './cluster/apply.js';
import { prepareRelease } from './prepare-release.js';
import type { HookPhase } from './hooks/render-hook.js';
import { runHook } from './hooks/run-hook.js';
import { releaseHooks } from './hooks/release-phase.js';
import { verificationProblems } from './rollout/verification.js';
import { verifyReadyRelease } from './rollout/verify-release.js';
import { withCrashLogs } from './cluster/crash-logs.js';
import { pruneRelease } from './cluster/prune-release.js';
import { configRevert, type ConfigRevert } from './rollback/config-revert.js';
import { prepareParams, rollOut, type DeployDeps, type Outcome } from './roll-out.js';
import { progressiveType } from './progressive/plan.js';
import { afterPromotion, dropNewSide, recordAborted, rollOutProgressive, tookAllTraffic } from './progressive/progressive-rollout.js';

export type { DeployDeps } from './roll-out.js';

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

  // Blue-green and canary run beside the release that serves, judged step by step
  // (progressive/); without one (a first release) a release simply rolls out.
  const progressive = progressiveType(release.config) && previous && previous.number !== release.number;
  let status: Outcome;
  if (progressive) {
    const run = await rollOutProgressive({ deps, release, stable: previous, startedAt: rolloutStartedAt });
    release = run.release;
    status = run.outcome;
  } else {
    status = await rollOut(deps, release, rolloutStartedAt);
  }
  if (status.state === 'ready' && !progressive) {
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
    release = await releases.update(release.app, release.number, { status: 'current', finishedAt });
    if ((await afterPromotion(deps, release, previous)) === 'done') return release;
    // A user aborted a blue-green release while the one before was still scaled: back to it.
    if (!previous || !(await releases.restoreCurrent(release.app, release.number, previous.number))) return release;
    await releases.setStatus(previous.app, previous.number, 'current');
    logger.warn({ app: release.app, release: release.number, restored: previous.number }, 'aborted after the switch');
    status = { state: 'failed', reason: 'Aborted', message: `aborted by a user after the switch, within the scale-down delay`, pods: [] };
    release = await releases.get(release.app, release.number);
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
  // A canary's or preview's pods go first (the stable side still serves); pods that took all the
  // traffic go after the stable release is back (prune-release.ts deletes their side).
  if (progressive && !tookAllTraffic(release)) await dropNewSide(deps, release, previous).catch((error: unknown) => logger.warn({ app: release.app, release: release.number, err: error }, "scaling the new side to 0 failed"));
  const restored = await rollOut(deps, previous, restoreStartedAt, release);
  const ready = restored.state === 'ready';
  if (progressive) release = await recordAborted(deps, release, ready ? `all traffic back on release ${previous.number}` : `release ${previous.number} re-applied: ${restored.message}`);
  // The whole truth back (Argo Rollouts, Helm --atomic): the app's stored config says what runs,
  // and what only the failed release made is gone.
  const config = await revertConfig(deps, release, previous);
  // The re-apply already deleted what the restored release does not render (an Ingress of a host the failed one added).
  const prune = withPruned(await pruneFailed(deps, release, previous), restored.pruned);
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

/** What the rollback pruned in all: `earlier` (by the re-apply) first, each once. */
function withPruned(prune: { pruned?: string[]; pruneError?: string }, earlier: string[] | undefined): { pruned?: string[]; pruneError?: string } {
  const pruned = [...new Set([...(earlier ?? []), ...(prune.pruned ?? [])])];
  return { ...prune, ...(pruned.length ? { pruned } : {}) };
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

function hookPods(run: HookRun): Array<{ pod: string; container: string; reason: string; message?: string }> {
  return run.pod ? [{ pod: run.pod, container: 'hook', reason: run.reason ?? 'Failed', ...(run.exitCode !== undefined ? { message: `exit code ${run.exitCode}` } : {}) }] : [];
}
