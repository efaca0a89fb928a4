import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';
import type { ServerAnswer } from '../dry-run-diff.js';
import type { DryRunObject } from '../dry-run-objects.js';
import { FIELD_MANAGER } from '../render/labels.js';
import { PULL_SECRET_NAME } from '../render/pull-secret.js';
import { applyDryRun, kubeMessage } from './apply.js';
import { readIfPresent } from '../../services/kube-not-found.js';

const code = (error: unknown) => (error as { code?: number }).code;

/**
 * Asks the API server what writing one object would do, without writing it: the live object,
 * and the object as a server-side apply with `dryRun=All` would leave it (or, for an object
 * created only when absent, a dry-run create when it is absent). In a namespace that does not
 * exist yet nothing can be asked; a refusal (invalid, forbidden) is answered, not thrown.
 */
export async function askServer(kc: KubeConfig, object: DryRunObject): Promise<ServerAnswer> {
  const api = objectApi(kc);
  const { manifest } = object;
  const header = { apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: { name: manifest.metadata.name!, ...(manifest.metadata.namespace ? { namespace: manifest.metadata.namespace } : {}) } };
  try {
    const live = await readIfPresent(() => api.read(header));
    if (live && object.how === 'create') return { live: live as Record<string, unknown>, kept: true };
    const wouldBe = object.how === 'create'
      ? await api.create(manifest as KubernetesObject, undefined, 'All', FIELD_MANAGER)
      : await applyDryRun(kc, manifest);
    return { ...(live ? { live: live as Record<string, unknown> } : {}), wouldBe: wouldBe as Record<string, unknown> };
  } catch (error) {
    if (code(error) === 404 && manifest.metadata.namespace && !(await namespaceLabels(kc, manifest.metadata.namespace))) return { noNamespace: true };
    return { refused: kubeMessage(error) };
  }
}

/**
 * The namespace's labels and annotations, or undefined when it does not exist or Slipway may not
 * read it (no RoleBinding there: for Slipway it is not there, as ensureNamespace says).
 */
export async function namespaceLabels(kc: KubeConfig, namespace: string): Promise<{ labels: Record<string, string>; annotations: Record<string, string> } | undefined> {
  try {
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    return { labels: ns.metadata?.labels ?? {}, annotations: ns.metadata?.annotations ?? {} };
  } catch (error) {
    if (code(error) === 404 || code(error) === 403) return undefined;
    throw error;
  }
}

/** Whether the namespace holds the registry pull secret the deploy worker keeps (pull-secret.ts). */
export async function hasPullSecret(kc: KubeConfig, namespace: string): Promise<boolean> {
  return (await readIfPresent(() => kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: PULL_SECRET_NAME, namespace }))) !== undefined;
}
