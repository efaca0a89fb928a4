import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';
import { FIELD_MANAGER } from '../render/labels.js';
import { readIfPresent } from '../../services/kube-not-found.js';

/** Field manager of scale changes, apart from `slipway`'s release applies (which own the rest of the spec). */
const SCALE_MANAGER = 'slipway-scale';

/**
 * Sets a live workload's replicas now, as `kubectl scale` does; false when there is no such
 * workload (the next release is rendered with the app's replicas anyway).
 */
export async function scaleWorkload(params: { kc: KubeConfig; namespace: string; kind: 'Deployment' | 'StatefulSet'; name: string; replicas: number }): Promise<boolean> {
  const { kc, namespace, kind, name, replicas } = params;
  const api = objectApi(kc);
  const ref = { apiVersion: 'apps/v1', kind, metadata: { name, namespace } };
  if (!(await readIfPresent(() => api.read(ref as KubernetesObject & { metadata: { name: string; namespace: string } })))) return false;
  // Server-side apply of only spec.replicas, under a manager of its own: applied as `slipway`,
  // this partial object would drop every other field slipway owns.
  await api.patch({ ...ref, spec: { replicas } } as KubernetesObject, undefined, undefined, SCALE_MANAGER, true, PatchStrategy.ServerSideApply);
  return true;
}

/**
 * Hands a live workload's `spec.replicas` over before a release leaves it to a
 * HorizontalPodAutoscaler ("Transferring ownership" in the Kubernetes server-side apply docs):
 * the count it runs now, kept between `min` and `max`, is applied under the scale manager, so
 * that when `slipway` stops applying the field it stays set. Without it the field has no owner
 * left and falls back to 1 pod until the HPA's next sync. A workload not there yet starts at 1
 * (the HPA raises it to `min`); nothing is written when the count is already owned elsewhere.
 */
export async function handOverReplicas(params: { kc: KubeConfig; namespace: string; kind: 'Deployment' | 'StatefulSet'; name: string; min: number; max: number }): Promise<void> {
  const { kc, namespace, kind, name } = params;
  const ref = { apiVersion: 'apps/v1', kind, metadata: { name, namespace } };
  const live = await readIfPresent(() => objectApi(kc).read(ref as KubernetesObject & { metadata: { name: string; namespace: string } }));
  if (!live || !ownsReplicasAlone(live, FIELD_MANAGER)) return;
  const current = (live as KubernetesObject & { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  await scaleWorkload({ kc, namespace, kind, name, replicas: Math.min(params.max, Math.max(params.min, current)) });
}

/** Pure: `manager` is the only one holding `spec.replicas` in the object's managedFields. */
export function ownsReplicasAlone(object: KubernetesObject, manager: string): boolean {
  const owners = (object.metadata?.managedFields ?? []).filter((entry) => {
    const spec = (entry.fieldsV1 as { 'f:spec'?: Record<string, unknown> } | undefined)?.['f:spec'];
    return spec !== undefined && 'f:replicas' in spec;
  });
  return owners.length > 0 && owners.every((entry) => entry.manager === manager);
}
