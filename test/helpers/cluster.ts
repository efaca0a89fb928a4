import { AppsV1Api, CoreV1Api, type KubeConfig, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/services/kube-config.js';

/** The test control plane from test/env/k8s, through the kubeconfig the env exports. */
export function testKubeConfig(): KubeConfig {
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run tests with scripts/test.sh');
  return loadKubeConfig(process.env.KUBECONFIG);
}

/** The live pod template of an app's workload. */
export async function liveTemplate(params: { kc: KubeConfig; namespace: string; name: string; kind?: 'Deployment' | 'StatefulSet' }): Promise<V1PodTemplateSpec> {
  const apps = params.kc.makeApiClient(AppsV1Api);
  const workload =
    params.kind === 'StatefulSet'
      ? await apps.readNamespacedStatefulSet({ namespace: params.namespace, name: params.name })
      : await apps.readNamespacedDeployment({ namespace: params.namespace, name: params.name });
  return workload.spec!.template;
}

/** What of a pod template a release decides: image, env, probe, labels, annotations. */
export function templateEssentials(template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { containers?: unknown[] } }) {
  const container = (template.spec?.containers?.[0] ?? {}) as { image?: string; env?: unknown; readinessProbe?: { httpGet?: { path?: string }; tcpSocket?: unknown } };
  return {
    image: container.image,
    env: container.env,
    readiness: container.readinessProbe?.httpGet?.path ?? (container.readinessProbe?.tcpSocket ? 'tcp' : undefined),
    labels: template.metadata?.labels,
    annotations: template.metadata?.annotations,
  };
}

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).deleteNamespace({ name }).catch(() => undefined);
}

/** Who manages a Deployment's fields, and how (server-side apply shows as operation Apply). */
export async function fieldManagers(params: { kc: KubeConfig; namespace: string; name: string }): Promise<Array<{ manager?: string; operation?: string }>> {
  const deployment = await params.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: params.namespace, name: params.name });
  return (deployment.metadata?.managedFields ?? []).map((f) => ({ manager: f.manager, operation: f.operation }));
}
