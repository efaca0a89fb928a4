import type { Release } from '../../store/types.js';
import { LABELS } from '../render/labels.js';
import type { Manifest } from '../render/manifest.js';
import { claimName } from '../render/render-volumes.js';

/** An object of the app as listed from the cluster: what the choice needs of it. */
export interface LiveObject {
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/**
 * After release `failed` was rolled back to `restored`: the live objects to delete because only
 * the failed release made them (an Ingress for a new host, a Service of a new StatefulSet, the
 * workload of another kind). An object is deleted when `restored` does not render it (same kind,
 * name and namespace) and it is the app's and
 * - a PersistentVolumeClaim that `failed` created (`slipway.dev/created-by-release`): a claim
 *   without that label, or that an earlier release created, may hold data and is never deleted;
 * - anything else last applied by `failed` (`slipway.dev/release`): what `restored` renders was
 *   re-applied and carries its label now.
 * Pure: fed the listed objects, answers which of them to delete.
 */
export function objectsToPrune<O extends LiveObject>(params: { failed: Release; restored: Release; live: O[] }): O[] {
  const { failed, restored } = params;
  const kept = new Set(restoredObjects(restored).map(key));
  const number = String(failed.number);
  return params.live.filter((o) => {
    if (o.labels[LABELS.name] !== failed.app || o.labels[LABELS.managedBy] !== 'slipway') return false;
    if (kept.has(key(o))) return false;
    if (o.kind === 'PersistentVolumeClaim') return o.labels[LABELS.claimCreatedBy] === number;
    return o.labels[LABELS.release] === number;
  });
}

/** What the restored release renders: its manifests, and the claims of its volumes. */
function restoredObjects(release: Release): Array<Pick<LiveObject, 'kind' | 'name' | 'namespace'>> {
  const namespace = release.config.namespace;
  const manifests = (release.manifests as Manifest[]).map((m) => ({ kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace ?? namespace }));
  const claims = (release.config.volumes ?? []).map((v) => ({ kind: 'PersistentVolumeClaim', name: claimName(release.app, v.name), namespace }));
  return [...manifests, ...claims];
}

function key(o: Pick<LiveObject, 'kind' | 'name' | 'namespace'>): string {
  return `${o.namespace}/${o.kind}/${o.name}`;
}
