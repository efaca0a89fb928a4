import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import { labelSelector } from '../releases/render/labels.js';
import { checkWorkloadStatus, type WorkloadStatus } from '../releases/rollout/workload-status.js';

const POLL_MS = 500;

/**
 * Waits for a template's workload (a `wait-for-ready` object) to be ready, by the same rules
 * as a release rollout: its pods are the ones its selector matches.
 */
export async function waitForWorkload(params: { kc: KubeConfig; namespace: string; kind: string; name: string; deadlineSeconds: number }): Promise<WorkloadStatus> {
  const { kc, namespace, kind, name, deadlineSeconds } = params;
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const startedAt = new Date();
  for (;;) {
    const workload: V1Deployment | V1StatefulSet =
      kind === 'StatefulSet' ? await apps.readNamespacedStatefulSet({ namespace, name }) : await apps.readNamespacedDeployment({ namespace, name });
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: labelSelector(workload.spec?.selector?.matchLabels ?? {}) })).items;
    const status = checkWorkloadStatus({ workload: { ...workload, kind }, pods, now: new Date(), startedAt, readinessDeadlineSeconds: deadlineSeconds, maxRestarts: 5 });
    if (status.state !== 'deploying') return status;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
