import type { ProvisionedDatabase } from '../store/views.js';
import type { V1Deployment, V1PersistentVolumeClaim, V1PodSpec, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';

/** provisionTemplate (provision.ts) puts these on every object it applies. */
export const TEMPLATE_LABEL = 'slipway.dev/template';
export const PROVISIONED_SELECTOR = `app.kubernetes.io/managed-by=slipway,${TEMPLATE_LABEL}`;


type Workload = V1Deployment | V1StatefulSet;

/**
 * One entry per workload a template provisioned (a database's StatefulSet, say), with the
 * objects that belong to it found the way Kubernetes finds them: Services by their selector,
 * claims by the workload's selector labels (the StatefulSet controller copies them onto the
 * claims it creates) or by the pod spec's claimName, Secrets by the pod spec's references.
 */
export function describeDatabases(params: { workloads: Workload[]; services: V1Service[]; claims: V1PersistentVolumeClaim[]; secrets: V1Secret[] }): ProvisionedDatabase[] {
  return params.workloads
    .map((workload) => {
      const namespace = workload.metadata?.namespace ?? 'default';
      const inNamespace = <T extends { metadata?: { namespace?: string } }>(items: T[]) => items.filter((i) => i.metadata?.namespace === namespace);
      const podLabels = workload.spec?.template.metadata?.labels ?? {};
      const selector = workload.spec?.selector.matchLabels ?? {};
      const podSpec: V1PodSpec | undefined = workload.spec?.template.spec;
      const claimNames = new Set((podSpec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])));
      const secretNames = referencedSecrets(podSpec);
      const desired = workload.spec?.replicas ?? 1;
      const ready = workload.status?.readyReplicas ?? 0;
      return {
        namespace,
        name: workload.metadata?.name ?? '?',
        kind: workload.kind ?? ('volumeClaimTemplates' in (workload.spec ?? {}) ? 'StatefulSet' : 'Deployment'),
        template: workload.metadata?.labels?.[TEMPLATE_LABEL] ?? '?',
        image: podSpec?.containers[0]?.image,
        desired,
        ready,
        state: desired === 0 ? 'stopped' : ready >= desired ? 'healthy' : ready > 0 ? 'degraded' : 'down',
        secrets: inNamespace(params.secrets)
          .filter((s) => secretNames.has(s.metadata?.name ?? ''))
          .map((s) => ({ name: s.metadata!.name!, keys: Object.keys(s.data ?? {}).sort() })),
        services: inNamespace(params.services)
          .filter((s) => matches(s.spec?.selector, podLabels))
          .map((s) => ({ name: s.metadata!.name!, ports: (s.spec?.ports ?? []).map((p) => p.port) })),
        volumes: inNamespace(params.claims)
          .filter((c) => claimNames.has(c.metadata?.name ?? '') || (Object.keys(selector).length > 0 && matches(selector, c.metadata?.labels ?? {})))
          .map((c) => ({ name: c.metadata!.name!, phase: c.status?.phase, capacity: c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage })),
        createdAt: workload.metadata?.creationTimestamp ? new Date(workload.metadata.creationTimestamp).toISOString() : undefined,
      } satisfies ProvisionedDatabase;
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** Every label of `selector` is on `labels` (an empty selector selects nothing here). */
function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function referencedSecrets(spec: V1PodSpec | undefined): Set<string> {
  const names = new Set<string>();
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const env of container.env ?? []) if (env.valueFrom?.secretKeyRef?.name) names.add(env.valueFrom.secretKeyRef.name);
    for (const from of container.envFrom ?? []) if (from.secretRef?.name) names.add(from.secretRef.name);
  }
  for (const volume of spec?.volumes ?? []) if (volume.secret?.secretName) names.add(volume.secret.secretName);
  return names;
}
