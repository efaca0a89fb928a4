import type { DeployConfig } from '../../store/types.js';
import { AUTOSCALE_DEFAULT_REQUESTS } from '../../store/schemas/deploy-config.js';
import type { Manifest } from './manifest.js';
import { withPodSpec, type PodSpec } from './pod-spec.js';

export type Autoscale = NonNullable<DeployConfig['autoscale']>;

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

/**
 * A release's manifests as they are applied while the app autoscales: the workload without
 * `spec.replicas`, default requests for each target resource the app's container sets none of,
 * and the HorizontalPodAutoscaler. Like the app's scale (with-replicas.ts), the autoscaler is the
 * app's, not a release's: it is added at apply time from the app's current setting, so a
 * rollback to a release from before autoscaling keeps it (as Argo CD and OpenShift users expect
 * of an HPA), and it is never in a release record's manifests. Pure; `undefined` changes nothing.
 *
 * Why drop `replicas`: with server-side apply a field left out of the manifest is left to its
 * other owner, here the HPA controller (through the scale subresource), so a release keeps the
 * count it chose instead of resetting it to the app's scale.
 */
export function withAutoscale(manifests: Manifest[], params: { app: string; container: string; autoscale: Autoscale | undefined }): Manifest[] {
  const { autoscale } = params;
  if (!autoscale) return manifests;
  const workload = manifests.find((m) => WORKLOAD_KINDS.has(m.kind) && m.metadata.name === params.app);
  if (!workload) return manifests;
  const scaled = manifests.map((m) => {
    if (m !== workload) return m;
    const { replicas: _owned, ...spec } = m.spec as Record<string, unknown>;
    return withPodSpec({ ...m, spec }, (pod) => withDefaultRequests(pod, { container: params.container, autoscale }));
  });
  return [...scaled, renderAutoscaler({ workload, autoscale })];
}

/** The autoscaling/v2 HorizontalPodAutoscaler `<app>` of a workload: named and labelled like it. */
export function renderAutoscaler(params: { workload: Manifest; autoscale: Autoscale }): Manifest {
  const { workload, autoscale } = params;
  const { name, namespace, labels } = workload.metadata;
  const metrics = [
    ...(autoscale.cpuPercent !== undefined ? [resourceMetric('cpu', autoscale.cpuPercent)] : []),
    ...(autoscale.memoryPercent !== undefined ? [resourceMetric('memory', autoscale.memoryPercent)] : []),
  ];
  const behavior = autoscale.scaleDownDelaySeconds !== undefined ? { scaleDown: { stabilizationWindowSeconds: autoscale.scaleDownDelaySeconds } } : undefined;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels: { ...labels } } : {}) },
    spec: {
      scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name },
      minReplicas: autoscale.minReplicas,
      maxReplicas: autoscale.maxReplicas,
      metrics,
      ...(behavior ? { behavior } : {}),
    },
  };
}

function resourceMetric(name: 'cpu' | 'memory', percent: number): Record<string, unknown> {
  return { type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } };
}

type Container = Record<string, unknown> & { name?: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };

/**
 * Utilization is usage over the request: without one the HPA reports FailedGetResourceMetric and
 * never scales. A container that sets a request (or only a limit, which Kubernetes copies into
 * the request) keeps it; one that sets neither gets AUTOSCALE_DEFAULT_REQUESTS for that resource.
 */
function withDefaultRequests(pod: PodSpec, params: { container: string; autoscale: Autoscale }): PodSpec {
  const wanted = [...(params.autoscale.cpuPercent !== undefined ? (['cpu'] as const) : []), ...(params.autoscale.memoryPercent !== undefined ? (['memory'] as const) : [])];
  const containers = (pod.containers as Container[] | undefined) ?? [];
  return {
    ...pod,
    containers: containers.map((c) => {
      if (c.name !== params.container) return c;
      const requests = { ...c.resources?.requests };
      for (const resource of wanted) {
        if (requests[resource] === undefined && c.resources?.limits?.[resource] === undefined) requests[resource] = AUTOSCALE_DEFAULT_REQUESTS[resource];
      }
      return Object.keys(requests).length ? { ...c, resources: { ...c.resources, requests } } : c;
    }),
  };
}
