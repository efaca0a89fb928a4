import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isNotFound } from '../../services/kube-not-found.js';
import { PULL_SECRET_LABELS, PULL_SECRET_NAME, pullSecretVerdict, renderPullSecret, type RegistryCredentials } from '../render/pull-secret.js';
import { labelSelector } from '../render/labels.js';
import { applyManifests, kubeMessage } from './apply.js';

export interface PullSecretRefresh {
  /** Slipway's pull secrets found in the namespaces given. */
  checked: number;
  /** Namespaces whose Secret held other credentials for this registry and was applied again. */
  refreshed: string[];
  /** Namespaces whose Secret is for another registry: left alone. */
  foreign: string[];
  /** Namespaces where the read or the apply failed (one being deleted, say), with why. */
  failed: Array<{ namespace: string; error: string }>;
}

/**
 * Brings the registry pull secret Slipway keeps (`slipway-registry`, labelled as Slipway's) in
 * each of `namespaces` (managedNamespaces: one by one, as Slipway's in-cluster RBAC grants nothing
 * cluster-wide) to the configured credentials. A rollout applies the Secret in its own
 * namespace, but a changed registry password reaches a deploy worker only by restarting it, and
 * an app that is idle then would keep the old password until its next rollout: a pod of it
 * started meanwhile (a lost node, an eviction, a scale-up by its HPA) could not pull. So each
 * deploy worker runs this as it starts. Idempotent: a Secret already current is not written.
 */
export async function refreshPullSecrets(params: { kc: KubeConfig; registry?: RegistryCredentials; namespaces: string[] }): Promise<PullSecretRefresh> {
  const result: PullSecretRefresh = { checked: 0, refreshed: [], foreign: [], failed: [] };
  const registry = params.registry;
  // Without credentials Slipway makes no pull secret, and removes none it made before.
  if (!registry || !renderPullSecret({ namespace: 'default', registry })) return result;
  const core = params.kc.makeApiClient(CoreV1Api);
  for (const namespace of params.namespaces) {
    try {
      const found = await core.listNamespacedSecret({
        namespace,
        labelSelector: labelSelector(PULL_SECRET_LABELS),
        fieldSelector: `metadata.name=${PULL_SECRET_NAME}`,
      });
      for (const live of found.items) {
        result.checked++;
        const desired = renderPullSecret({ namespace, registry })!;
        const verdict = pullSecretVerdict(live, desired);
        if (verdict === 'foreign') result.foreign.push(namespace);
        if (verdict !== 'stale') continue;
        await applyManifests(params.kc, [desired]);
        result.refreshed.push(namespace);
      }
    } catch (error) {
      // A namespace deleted since: nothing there to refresh.
      if (!isNotFound(error)) result.failed.push({ namespace, error: kubeMessage(error) });
    }
  }
  return result;
}
