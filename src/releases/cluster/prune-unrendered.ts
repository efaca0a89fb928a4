import { AutoscalingV2Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { SlipwayError } from '../../errors.js';
import { appSelector } from '../render/labels.js';
import type { Manifest } from '../render/manifest.js';
import { kubeMessage } from './apply.js';
import { deleteIfPresent } from '../../services/kube-not-found.js';

interface OptionalKind {
  names(kc: KubeConfig, namespace: string, labelSelector: string): Promise<string[]>;
  remove(kc: KubeConfig, namespace: string, name: string): Promise<unknown>;
}

// The kinds a release has or not by the app's settings: an Ingress with routes, a
// HorizontalPodAutoscaler with autoscale. Server-side apply never deletes what a release stops
// rendering, so the last Ingress would go on serving a removed host, and the last HPA on scaling.
const OPTIONAL_KINDS: Record<string, OptionalKind> = {
  Ingress: {
    names: async (kc, namespace, labelSelector) => (await kc.makeApiClient(NetworkingV1Api).listNamespacedIngress({ namespace, labelSelector })).items.map((i) => i.metadata!.name!),
    remove: (kc, namespace, name) => kc.makeApiClient(NetworkingV1Api).deleteNamespacedIngress({ namespace, name }),
  },
  HorizontalPodAutoscaler: {
    names: async (kc, namespace, labelSelector) =>
      (await kc.makeApiClient(AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector })).items.map((h) => h.metadata!.name!),
    remove: (kc, namespace, name) => kc.makeApiClient(AutoscalingV2Api).deleteNamespacedHorizontalPodAutoscaler({ namespace, name }),
  },
};

/**
 * The app's Ingresses and HPAs in the cluster that `rendered` (everything the release applies)
 * does not name. Found by the app's labels, so objects of anyone else in the namespace stay out.
 */
export async function unrenderedObjects(params: { kc: KubeConfig; namespace: string; app: string; rendered: Manifest[] }): Promise<Array<{ kind: string; name: string }>> {
  const found: Array<{ kind: string; name: string }> = [];
  for (const [kind, ops] of Object.entries(OPTIONAL_KINDS)) {
    const keep = new Set(params.rendered.filter((m) => m.kind === kind).map((m) => m.metadata.name));
    const names = await ops.names(params.kc, params.namespace, appSelector(params.app)).catch((error: unknown) => {
      throw new SlipwayError('DEPLOY_APPLY_FAILED', `listing the app's ${kind}s in ${params.namespace} failed: ${kubeMessage(error)}`, { kind });
    });
    found.push(...names.filter((name) => !keep.has(name)).map((name) => ({ kind, name })));
  }
  return found;
}

/**
 * Deletes the unrenderedObjects, as `kubectl apply --prune` would for those kinds; answers
 * each deleted as `Ingress web` (as prune-release.ts does). One already gone is fine.
 */
export async function pruneUnrendered(params: { kc: KubeConfig; namespace: string; app: string; rendered: Manifest[] }): Promise<string[]> {
  const { kc, namespace } = params;
  const pruned: string[] = [];
  for (const { kind, name } of await unrenderedObjects(params)) {
    await deleteIfPresent(() => OPTIONAL_KINDS[kind]!.remove(kc, namespace, name)).catch((error: unknown) => {
      throw new SlipwayError('DEPLOY_APPLY_FAILED', `deleting ${kind} ${namespace}/${name} failed: ${kubeMessage(error)}`, { kind, name });
    });
    pruned.push(`${kind} ${name}`);
  }
  return pruned;
}
