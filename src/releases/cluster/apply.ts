import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { SlipwayError } from '../../errors.js';
import { appLabels, FIELD_MANAGER, releaseSelector } from '../render/labels.js';
import { objectApi } from '../../services/kube-config.js';
import type { Manifest } from '../render/manifest.js';

/**
 * Server-side apply, field manager `slipway`, forced: Slipway owns every field it renders,
 * and fields it no longer renders are dropped (that is what makes a rollback restore env
 * and probes, not only the image).
 */
export async function applyManifests(kc: KubeConfig, manifests: Manifest[]): Promise<void> {
  const api = objectApi(kc);
  for (const manifest of manifests) {
    try {
      await api.patch(manifest as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw new SlipwayError('DEPLOY_APPLY_FAILED', `applying ${manifest.kind}/${manifest.metadata.name} failed: ${kubeMessage(error)}`, {
        kind: manifest.kind,
        name: manifest.metadata.name,
      });
    }
  }
}

/**
 * Makes sure the app's namespace is there to deploy into. `manage`: creates it if absent (and
 * labels it as Slipway's). Otherwise only reads it: a RoleBinding in namespace N grants `get` on
 * the Namespace object N itself and on no other, so the read succeeds exactly in the namespaces
 * an admin handed to Slipway, and Slipway needs no cluster-wide permission at all.
 */
export async function ensureNamespace(params: { kc: KubeConfig; namespace: string; app: string; manage: boolean }): Promise<void> {
  const { kc, namespace, app } = params;
  if (params.manage) {
    await applyManifests(kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: appLabels(app) } }]);
    return;
  }
  try {
    await kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== 403 && code !== 404) throw error;
    throw new SlipwayError(
      'NAMESPACE_NOT_MANAGED',
      `namespace "${namespace}" is not one Slipway manages (${code === 404 ? 'it does not exist' : 'Slipway has no RoleBinding there'}): ` +
        'ask an admin to create it and bind the slipway-deployer ClusterRole in it, or deploy the app into a managed namespace',
      { namespace, app },
    );
  }
}

/** Deletes the pods of one release of an app (selected by label). */
export async function deleteReleasePods(params: { kc: KubeConfig; namespace: string; app: string; release: number }): Promise<void> {
  await params.kc.makeApiClient(CoreV1Api).deleteCollectionNamespacedPod({ namespace: params.namespace, labelSelector: releaseSelector(params.app, params.release) });
}

/** The API server's own message from a client-node error, or the error's. */
export function kubeMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return error instanceof Error ? error.message : String(error);
}
