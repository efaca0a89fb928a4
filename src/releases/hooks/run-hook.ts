import { BatchV1Api, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PodPlacement } from '../../config.js';
import type { HookRun, HookSpec, Release } from '../../store/types.js';
import { kubeMessage } from '../cluster/apply.js';
import { checkHookStatus, type HookStatus } from './hook-status.js';
import { FIELD_MANAGER } from '../render/labels.js';
import type { Manifest } from '../render/manifest.js';
import { withPlacement } from '../render/placement.js';
import { withRunAs } from '../render/run-as.js';
import type { RunAs } from '../render/uid-range.js';
import { renderHookJob, type HookPhase } from './render-hook.js';
import { watchUntil } from '../cluster/watch-until.js';
import { podLog } from '../cluster/pod-log.js';

const LOG_TAIL_LINES = 200;

/**
 * Runs one hook of a release to the end and reports what happened. The Job's name is fixed per
 * release and phase, so a deploy worker that resumes a release finds the Job it started and
 * keeps watching it instead of running a migration twice.
 */
export async function runHook(params: { kc: KubeConfig; logger: Logger; release: Release; phase: HookPhase; hook: HookSpec; imagePullSecret?: string; placement: PodPlacement; runAs?: RunAs }): Promise<HookRun> {
  const { kc, logger, release, phase, hook } = params;
  // The hook pod runs where and as the app's pods run: the install's placement and the namespace's uid, added at apply time.
  const [job] = withRunAs(withPlacement([renderHookJob({ app: release.app, release: release.number, image: release.image, port: release.port, config: release.config, phase, hook, ...(params.imagePullSecret ? { imagePullSecret: params.imagePullSecret } : {}), ...(release.commit ? { commit: release.commit } : {}) })], params.placement), params.runAs) as [Manifest];
  const namespace = release.config.namespace;
  const name = job.metadata.name;
  const batch = kc.makeApiClient(BatchV1Api);
  const startedAt = new Date();
  const base = { phase, job: name, startedAt: startedAt.toISOString() };
  try {
    await batch.createNamespacedJob({ namespace, body: job as V1Job, fieldManager: FIELD_MANAGER });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) {
      return { ...base, state: 'failed', reason: 'CreateFailed', message: `creating job ${name} failed: ${kubeMessage(error)}`, finishedAt: new Date().toISOString() };
    }
    logger.info({ app: release.app, release: release.number, job: name }, 'hook job exists: watching it');
  }
  logger.info({ app: release.app, release: release.number, job: name, phase }, 'hook started');
  const created = await batch.readNamespacedJob({ namespace, name }).catch(() => undefined);
  const since = created?.metadata?.creationTimestamp ? new Date(created.metadata.creationTimestamp) : startedAt;
  const { status, job: last, pods } = await watchHook({ kc, namespace, name, startedAt: since, timeoutSeconds: hook.timeoutSeconds });
  if (status.state === 'failed' && status.outcome === 'DeadlineExceeded' && !isFinished(last)) {
    // Our own deadline passed before the Job controller's: stop the hook ourselves.
    await batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }).catch(() => undefined);
  }
  const log = status.pod ? await podLog({ kc, namespace, pod: status.pod, container: 'hook', tailLines: LOG_TAIL_LINES }) : {};
  return {
    ...base,
    startedAt: since.toISOString(),
    state: status.state === 'succeeded' ? 'succeeded' : 'failed',
    ...(status.reason ? { reason: status.reason } : {}),
    message: status.message,
    ...(status.pod ? { pod: status.pod } : {}),
    ...(status.exitCode !== undefined ? { exitCode: status.exitCode } : {}),
    conditions: (last?.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) })),
    ...log,
    ...(pods.length === 0 && status.state === 'failed' ? { logError: 'no pod was created' } : {}),
    finishedAt: new Date().toISOString(),
  };
}

function isFinished(job?: V1Job): boolean {
  return (job?.status?.conditions ?? []).some((c) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True');
}

/** Watches the Job and its pods until checkHookStatus says it is over. */
async function watchHook(params: { kc: KubeConfig; namespace: string; name: string; startedAt: Date; timeoutSeconds: number }): Promise<{ status: HookStatus; job?: V1Job; pods: V1Pod[] }> {
  const { kc, namespace, name } = params;
  return watchUntil<V1Job, { status: HookStatus; job?: V1Job; pods: V1Pod[] }>({
    kc,
    object: { apiVersion: 'batch/v1', kind: 'Job', path: `/apis/batch/v1/namespaces/${namespace}/jobs`, namespace, fieldSelector: `metadata.name=${name}` },
    // The Job controller labels its pods with the Job's name.
    pods: { apiVersion: 'v1', kind: 'Pod', path: `/api/v1/namespaces/${namespace}/pods`, namespace, labelSelector: `batch.kubernetes.io/job-name=${name}` },
    decide: ({ object: job, pods }) => {
      const status = checkHookStatus({ job: job ?? { metadata: { name } }, pods, now: new Date(), startedAt: params.startedAt, timeoutSeconds: params.timeoutSeconds });
      return status.state === 'running' ? undefined : { status, job, pods };
    },
  });
}

