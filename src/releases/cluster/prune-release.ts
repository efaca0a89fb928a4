import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';
import type { Release } from '../../store/types.js';
import { appSelector, LABELS } from '../render/labels.js';
import { objectsToPrune, type LiveObject } from '../rollback/prune-choice.js';
import { deleteIfPresent } from '../../services/kube-not-found.js';

/** The kinds a release renders as objects of their own (render.ts), and the claims of its volumes (prepare-release.ts). */
const PRUNABLE_KINDS = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
] as const;
/** A weighted canary's route (Gateway API): listed only for a release that rendered one, so a cluster without the CRD is never asked. */
const ROUTE_KIND = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' } as const;

/**
 * After release `failed` was rolled back to `restored`: deletes the objects only the failed
 * release made (rollback/prune-choice.ts decides), selected by label in the failed release's
 * namespace, and answers them as `Ingress web`, `PersistentVolumeClaim web-data`. An object
 * already gone counts as deleted.
 */
export async function pruneRelease(params: { kc: KubeConfig; failed: Release; restored: Release }): Promise<string[]> {
  const { kc, failed, restored } = params;
  const api = objectApi(kc);
  const namespace = failed.config.namespace;
  const live: Array<LiveObject & { apiVersion: string }> = [];
  const kinds = (failed.manifests as Array<{ kind?: string }>).some((m) => m.kind === 'HTTPRoute') ? [...PRUNABLE_KINDS, ROUTE_KIND] : PRUNABLE_KINDS;
  for (const { apiVersion, kind } of kinds) {
    const by = kind === 'PersistentVolumeClaim' ? LABELS.claimCreatedBy : LABELS.release;
    const labelSelector = `${appSelector(failed.app)},${by}=${failed.number}`;
    const list = await api.list<KubernetesObject>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
    for (const item of list.items) {
      if (item.metadata?.deletionTimestamp) continue;
      live.push({ apiVersion, kind, name: item.metadata?.name ?? '', namespace, labels: item.metadata?.labels ?? {} });
    }
  }
  const pruned: string[] = [];
  for (const object of objectsToPrune({ failed, restored, live })) {
    const target = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace } };
    // Background: the workload's ReplicaSets and pods go after it, as kubectl delete does.
    await deleteIfPresent(() => api.delete(target, undefined, undefined, undefined, undefined, 'Background'));
    pruned.push(`${object.kind} ${object.name}`);
  }
  return pruned;
}
