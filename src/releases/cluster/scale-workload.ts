import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';

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
  try {
    await api.read(ref as KubernetesObject & { metadata: { name: string; namespace: string } });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
  // Server-side apply of only spec.replicas, under a manager of its own: applied as `slipway`,
  // this partial object would drop every other field slipway owns.
  await api.patch({ ...ref, spec: { replicas } } as KubernetesObject, undefined, undefined, SCALE_MANAGER, true, PatchStrategy.ServerSideApply);
  return true;
}
