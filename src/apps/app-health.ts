import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { AppHealth, HealthState, PodHealth } from '../store/views.js';

/**
 * What the dashboard shows as an app's health: a pure function of the live workload and its
 * pods. Unlike the rollout check (src/releases/rollout/workload-status.ts) it judges the app as it runs
 * now, not a rollout: it never fails anything, it only counts.
 */
export function appHealth(params: { namespace: string; workload?: V1Deployment | V1StatefulSet; pods: V1Pod[]; releaseLabel: string }): AppHealth {
  const { workload, namespace } = params;
  const pods = params.pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => podHealth(p, params.releaseLabel));
  if (!workload) return { state: 'not-deployed', namespace, desired: 0, ready: 0, updated: 0, available: 0, pods };
  const status = workload.status ?? {};
  const desired = workload.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  // StatefulSets before 1.22 report no availableReplicas: ready is the closest there is.
  const available = status.availableReplicas ?? ready;
  const state: HealthState = desired === 0 ? 'stopped' : ready >= desired && available >= desired ? 'healthy' : ready > 0 ? 'degraded' : 'down';
  return { state, kind: workload.kind, namespace, desired, ready, updated, available, pods };
}

function podHealth(pod: V1Pod, releaseLabel: string): PodHealth {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses.map((s) => s.state?.waiting?.reason ?? s.state?.terminated?.reason).find(Boolean);
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    release: pod.metadata?.labels?.[releaseLabel],
    reason: waiting,
  };
}
