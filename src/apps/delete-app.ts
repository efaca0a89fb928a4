import { AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, NetworkingV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { appSelector as selector, LABELS } from '../releases/render/labels.js';
import type { Services } from '../services/services.js';
import { objectApi } from '../services/kube-config.js';
import { deleteIfPresent, readIfPresent } from '../services/kube-not-found.js';

/**
 * Deletes an app: its autoscaler, workloads, Services, Ingresses, hook Jobs and config objects (selected by
 * Slipway's labels) and its records, secret values included (not its build and release counters). PersistentVolumeClaims stay unless `deleteVolumes`: data outlives the app,
 * as with `oc delete all` (which leaves PVCs alone).
 */
export async function deleteApp(
  deps: Pick<Services, 'kubeConfig' | 'redis' | 'keys' | 'apps' | 'secrets'>,
  params: { name: string; deleteVolumes: boolean },
): Promise<{ deleted: string[]; kept: string[] }> {
  const { redis, keys, apps } = deps;
  const { name } = params;
  const kc = deps.kubeConfig();
  const app = await apps.get(name);
  const namespace = app.deploy.namespace;
  const labelSelector = selector(name);
  const appsApi = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const deleted: string[] = [];
  const kept: string[] = [];
  const each = async (kind: string, items: Array<{ metadata?: { name?: string } }>, remove: (n: string) => Promise<unknown>) => {
    for (const item of items) {
      // One gone since the list (a controller, or a second delete) counts as deleted.
      await deleteIfPresent(() => remove(item.metadata!.name!));
      deleted.push(`${kind}/${item.metadata!.name}`);
    }
  };
  // The HPA first: it would go on resizing a workload being deleted.
  const hpas = kc.makeApiClient(AutoscalingV2Api);
  await each('HorizontalPodAutoscaler', (await hpas.listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector })).items, (n) =>
    hpas.deleteNamespacedHorizontalPodAutoscaler({ namespace, name: n }),
  );
  await each('Deployment', (await appsApi.listNamespacedDeployment({ namespace, labelSelector })).items, (n) => appsApi.deleteNamespacedDeployment({ namespace, name: n }));
  await each('StatefulSet', (await appsApi.listNamespacedStatefulSet({ namespace, labelSelector })).items, (n) => appsApi.deleteNamespacedStatefulSet({ namespace, name: n }));
  await each('Service', (await core.listNamespacedService({ namespace, labelSelector })).items, (n) => core.deleteNamespacedService({ namespace, name: n }));
  await each('Ingress', (await net.listNamespacedIngress({ namespace, labelSelector })).items, (n) => net.deleteNamespacedIngress({ namespace, name: n }));
  // A weighted canary's HTTPRoute (Gateway API): a cluster without the CRD has none to delete.
  const routes = (await readIfPresent(() => objectApi(kc).list<KubernetesObject>('gateway.networking.k8s.io/v1', 'HTTPRoute', namespace, undefined, undefined, undefined, undefined, labelSelector)))?.items ?? [];
  await each('HTTPRoute', routes, (n) => objectApi(kc).delete({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: n, namespace } }));
  await each('Job', (await batch.listNamespacedJob({ namespace, labelSelector: `${labelSelector},${LABELS.hook}` })).items, (n) =>
    batch.deleteNamespacedJob({ namespace, name: n, propagationPolicy: 'Background' }),
  );
  const configSelector = `${labelSelector},${LABELS.config}`;
  await each('ConfigMap', (await core.listNamespacedConfigMap({ namespace, labelSelector: configSelector })).items, (n) => core.deleteNamespacedConfigMap({ namespace, name: n }));
  await each('Secret', (await core.listNamespacedSecret({ namespace, labelSelector: configSelector })).items, (n) => core.deleteNamespacedSecret({ namespace, name: n }));
  const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector })).items;
  if (params.deleteVolumes) await each('PersistentVolumeClaim', claims, (n) => core.deleteNamespacedPersistentVolumeClaim({ namespace, name: n }));
  else kept.push(...claims.map((c) => `PersistentVolumeClaim/${c.metadata!.name}`));

  const buildIds = await redis.zrange(keys.appBuilds(name), '0', '-1');
  const releaseNumbers = await redis.zrange(keys.appReleases(name), '0', '-1');
  const secretKeys = await deps.secrets.allKeys(name);
  // The build and release counters stay (two small keys): an app created again under this name
  // goes on counting, so no build id, release number or BullMQ job id (`<app>-<n>`, `<app>-r<n>`,
  // `<app>-b<n>`) of the new app is one BullMQ still keeps a finished job under.
  const multi = redis
    .multi()
    .del(
      keys.app(name),
      keys.webhookSecret(name),
      keys.buildSecrets(name),
      keys.repoCredential(name),
      keys.builtShas(name),
      keys.appBuilds(name),
      keys.appReleases(name),
      keys.currentRelease(name),
      keys.scaleEvents(name),
      ...secretKeys,
      ...buildIds.flatMap((id) => [keys.build(id), keys.buildLog(id), keys.buildLogUsage(id), keys.buildRelease(id), keys.buildRequeues(id)]),
      ...releaseNumbers.map((n) => keys.release(name, Number(n))),
    )
    .zrem(keys.apps, name);
  if (buildIds.length) multi.zrem(keys.unfinishedBuilds, ...buildIds);
  if (releaseNumbers.length) multi.zrem(keys.unsettledReleases, ...releaseNumbers.map((n) => `${name}#${n}`));
  await multi.exec();
  return { deleted, kept };
}
