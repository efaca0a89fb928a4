import type { KubeConfig, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { releaseSelector } from '../render/labels.js';
import { watchUntil } from '../cluster/watch-until.js';
import { checkWorkloadStatus, type WorkloadStatus } from './workload-status.js';

export interface RolloutTarget {
  app: string;
  release: number;
  /** The workload's name: `<app>`, or a blue-green or canary side `<app>-r<n>` (progressive/plan.ts). */
  workload: string;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  startedAt: Date;
  readinessDeadlineSeconds: number;
  maxRestarts: number;
}

/**
 * Watches a rollout until it is ready or failed. The watches feed the latest workload, the
 * release's pods (selected by its label) and the namespace's Warning Events to the pure
 * checkWorkloadStatus, which decides from the objects and quotes the kubelet's and
 * controllers' words from the Events ("Readiness probe failed: HTTP probe failed with
 * statuscode: 500") in the failure it reports. For a pod stuck in ContainerCreating on a volume
 * (`Multi-Attach error`, FailedAttachVolume) the Event is the only signal there is, so there it
 * decides too (VolumeAttachFailed): without it the rollout would wait out its deadline.
 */
export async function watchRollout(params: { kc: KubeConfig; target: RolloutTarget; logger: Logger; onStatus?: (s: WorkloadStatus) => void }): Promise<WorkloadStatus> {
  const { kc, target, logger } = params;
  const plural = target.kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
  let last = '';
  return watchUntil<V1Deployment | V1StatefulSet, WorkloadStatus>({
    kc,
    object: { apiVersion: 'apps/v1', kind: target.kind, path: `/apis/apps/v1/namespaces/${target.namespace}/${plural}`, namespace: target.namespace, fieldSelector: `metadata.name=${target.workload}` },
    pods: { apiVersion: 'v1', kind: 'Pod', path: `/api/v1/namespaces/${target.namespace}/pods`, namespace: target.namespace, labelSelector: releaseSelector(target.app, target.release) },
    events: { apiVersion: 'v1', kind: 'Event', path: `/api/v1/namespaces/${target.namespace}/events`, namespace: target.namespace, fieldSelector: 'type=Warning' },
    onEventsLost: (error) => logger.warn({ app: target.app, release: target.release, err: error }, 'events not readable: failures are reported without their explanation'),
    decide: ({ object: workload, pods, events }) => {
      if (!workload) return undefined;
      const status = checkWorkloadStatus({
        workload,
        pods,
        events,
        now: new Date(),
        startedAt: target.startedAt,
        readinessDeadlineSeconds: target.readinessDeadlineSeconds,
        maxRestarts: target.maxRestarts,
      });
      const summary = `${status.state} ${status.reason ?? ''} ${status.message}`;
      if (summary !== last) {
        last = summary;
        logger.debug({ app: target.app, release: target.release, status }, 'rollout status');
        params.onStatus?.(status);
      }
      return status.state === 'deploying' ? undefined : status;
    },
  });
}
