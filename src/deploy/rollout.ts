import type { KubeConfig, V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { releaseSelector } from './labels.js';
import { watchObjects } from './watch-objects.js';
import { checkWorkloadStatus, type WorkloadStatus } from './workload-status.js';

export interface RolloutTarget {
  app: string;
  release: number;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  startedAt: Date;
  readinessDeadlineSeconds: number;
  maxRestarts: number;
}

// Deadlines pass without any event; re-decide at least this often.
const TICK_MS = 500;

/**
 * Watches a rollout until it is ready or failed. The watches feed the latest workload and
 * the release's pods (selected by its label) to the pure checkWorkloadStatus, which decides.
 */
export async function watchRollout(params: { kc: KubeConfig; target: RolloutTarget; logger: Logger; onStatus?: (s: WorkloadStatus) => void }): Promise<WorkloadStatus> {
  const { kc, target, logger } = params;
  const abort = new AbortController();
  const plural = target.kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
  let workload: V1Deployment | V1StatefulSet | undefined;
  let pods: V1Pod[] = [];
  let last = '';

  return new Promise<WorkloadStatus>((resolve, reject) => {
    const decide = () => {
      if (!workload || abort.signal.aborted) return;
      const status = checkWorkloadStatus({
        workload,
        pods,
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
      if (status.state !== 'deploying') finish(status);
    };
    const tick = setInterval(decide, TICK_MS);
    const finish = (status: WorkloadStatus) => {
      clearInterval(tick);
      abort.abort();
      resolve(status);
    };
    const fail = (error: unknown) => {
      clearInterval(tick);
      abort.abort();
      reject(error);
    };
    watchObjects<V1Deployment | V1StatefulSet>({
      kc,
      target: { apiVersion: 'apps/v1', kind: target.kind, path: `/apis/apps/v1/namespaces/${target.namespace}/${plural}`, namespace: target.namespace, fieldSelector: `metadata.name=${target.app}` },
      onChange: (objects) => {
        workload = objects[0];
        decide();
      },
      signal: abort.signal,
    }).catch(fail);
    watchObjects<V1Pod>({
      kc,
      target: { apiVersion: 'v1', kind: 'Pod', path: `/api/v1/namespaces/${target.namespace}/pods`, namespace: target.namespace, labelSelector: releaseSelector(target.app, target.release) },
      onChange: (objects) => {
        pods = objects;
        decide();
      },
      signal: abort.signal,
    }).catch(fail);
  });
}
