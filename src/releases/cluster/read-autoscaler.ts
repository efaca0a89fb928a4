import { AutoscalingV2Api, type KubeConfig, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { AutoscaleStatus } from '../../store/views.js';
import { readIfPresent } from '../../services/kube-not-found.js';

/** The app's HorizontalPodAutoscaler's status, or null when the cluster has none by that name. */
export async function readAutoscaler(params: { kc: KubeConfig; namespace: string; name: string }): Promise<AutoscaleStatus | null> {
  const api = params.kc.makeApiClient(AutoscalingV2Api);
  const hpa = await readIfPresent(() => api.readNamespacedHorizontalPodAutoscaler({ namespace: params.namespace, name: params.name }));
  return hpa ? autoscaleStatusOf(hpa) : null;
}

/** Pure: the fields a user reads from an HPA's status. */
export function autoscaleStatusOf(hpa: V2HorizontalPodAutoscaler): AutoscaleStatus {
  const status = hpa.status;
  const usage = (name: string) => status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === name)?.resource?.current.averageUtilization;
  const cpu = usage('cpu');
  const memory = usage('memory');
  // ScalingActive False: it cannot compute a replica count (no metrics, no requests).
  const stuck = status?.conditions?.find((c) => (c.type === 'ScalingActive' || c.type === 'AbleToScale') && c.status === 'False');
  return {
    currentReplicas: status?.currentReplicas ?? 0,
    desiredReplicas: status?.desiredReplicas ?? 0,
    ...(cpu !== undefined ? { cpuPercent: cpu } : {}),
    ...(memory !== undefined ? { memoryPercent: memory } : {}),
    ...(status?.lastScaleTime ? { lastScaleTime: new Date(status.lastScaleTime).toISOString() } : {}),
    ...(stuck ? { problem: `${stuck.reason ?? stuck.type}: ${stuck.message ?? ''}`.trim() } : {}),
  };
}
