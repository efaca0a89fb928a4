import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { kubeMessage } from '../releases/cluster/apply.js';
import { SlipwayError } from '../errors.js';
import { readIfPresent } from '../services/kube-not-found.js';

export type ApplyAction = 'created' | 'updated' | 'unchanged' | 'kept';

/** What applying did; for a Secret, its key names (never its values) and the keys this run added. */
export interface Applied {
  action: ApplyAction;
  keys?: string[];
  addedKeys?: string[];
}

// A manager of its own: template objects and release objects must never fight over fields.
const FIELD_MANAGER = 'slipway-template';

type Obj = KubernetesObject & { data?: Record<string, string>; stringData?: Record<string, string> };

/**
 * Applies one template object idempotently and says what happened:
 * - a Secret that exists is `kept`: every value it has stays (generated passwords are never
 *   rotated by a re-run), only keys it lacks are added, and only key names are reported;
 * - a PersistentVolumeClaim that exists is kept as it is (its data is the point);
 * - anything else is server-side applied; unchanged when the resourceVersion did not move.
 */
export async function applyTemplateObject(kc: KubeConfig, object: Obj): Promise<Applied> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const header = { apiVersion: object.apiVersion!, kind: object.kind!, metadata: { name: object.metadata!.name!, namespace: object.metadata!.namespace } };
  const existing = await readIfPresent(() => api.read<Obj>(header)).catch((error: unknown) => {
    throw failed(object, error);
  });
  try {
    if (!existing) {
      // Created by apply, so the next run's identical apply is a no-op ("unchanged").
      if (object.kind === 'Secret' || object.kind === 'PersistentVolumeClaim') await api.create(object);
      else await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      return object.kind === 'Secret' ? { action: 'created', keys: secretKeys(object) } : { action: 'created' };
    }
    if (object.kind === 'PersistentVolumeClaim') return { action: 'kept' };
    if (object.kind === 'Secret') return await addMissingSecretKeys(api, existing, object);
    const applied = await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    return { action: applied.metadata?.resourceVersion === existing.metadata?.resourceVersion ? 'unchanged' : 'updated' };
  } catch (error) {
    throw failed(object, error);
  }
}

const secretKeys = (secret: Obj): string[] => [...new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])].sort();

async function addMissingSecretKeys(api: KubernetesObjectApi, existing: Obj, wanted: Obj): Promise<Applied> {
  const have = existing.data ?? {};
  const add: Record<string, string> = {};
  for (const [key, value] of Object.entries(wanted.stringData ?? {})) if (!(key in have)) add[key] = Buffer.from(value).toString('base64');
  for (const [key, value] of Object.entries(wanted.data ?? {})) if (!(key in have)) add[key] = value;
  const addedKeys = Object.keys(add).sort();
  if (addedKeys.length > 0) {
    const target = { apiVersion: existing.apiVersion, kind: existing.kind, metadata: { name: existing.metadata!.name, namespace: existing.metadata!.namespace } };
    await api.patch({ ...target, data: add } as Obj, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
  }
  return { action: 'kept', keys: [...new Set([...Object.keys(have), ...addedKeys])].sort(), ...(addedKeys.length ? { addedKeys } : {}) };
}

function failed(object: Obj, error: unknown): SlipwayError {
  return new SlipwayError('DEPLOY_APPLY_FAILED', `applying ${object.kind}/${object.metadata?.name} failed: ${kubeMessage(error)}`, {
    kind: object.kind,
    name: object.metadata?.name,
  });
}
