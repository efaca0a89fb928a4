import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { SlipwayError } from '../errors.js';
import { appLabels, FIELD_MANAGER, releaseSelector } from './labels.js';
import { objectApi } from './kube.js';
import type { Manifest } from './render.js';

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

/** Creates the app's namespace if it is absent (and labels it as Slipway's). */
export async function ensureNamespace(params: { kc: KubeConfig; namespace: string; app: string }): Promise<void> {
  await applyManifests(params.kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: params.namespace, labels: appLabels(params.app) } }]);
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
