import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject, type V1ServiceAccount } from '@kubernetes/client-node';
import { SlipwayError } from '../../errors.js';
import { objectApi } from '../../services/kube-config.js';
import { FIELD_MANAGER } from '../render/labels.js';
import { PULL_SECRET_NAME, renderPullSecret, type RegistryCredentials } from '../render/pull-secret.js';
import { applyManifests, kubeMessage } from './apply.js';

/** How long a fresh namespace may go without its `default` ServiceAccount (the controller makes it). */
const SERVICE_ACCOUNT_WAIT_MS = 15_000;
const SERVICE_ACCOUNT_POLL_MS = 200;
const PATCH_ATTEMPTS = 5;

/**
 * Keeps the registry pull secret in an app namespace (issue 15): the Secret is applied from the
 * configured credentials on every release (and by each deploy worker as it starts, see
 * refreshPullSecrets), and the namespace's `default` ServiceAccount lists it in its
 * `imagePullSecrets` (other entries kept), so pods Slipway did not render (template objects,
 * `kubectl run`) pull too. Returns the secret's name, or undefined without credentials: then
 * nothing is created and pods get no imagePullSecrets.
 */
export async function ensurePullSecret(params: { kc: KubeConfig; namespace: string; registry?: RegistryCredentials }): Promise<string | undefined> {
  const secret = params.registry && renderPullSecret({ namespace: params.namespace, registry: params.registry });
  if (!secret) return undefined;
  await applyManifests(params.kc, [secret]);
  await addToServiceAccount({ kc: params.kc, namespace: params.namespace, secret: PULL_SECRET_NAME });
  return PULL_SECRET_NAME;
}

async function addToServiceAccount(params: { kc: KubeConfig; namespace: string; secret: string }): Promise<void> {
  const { kc, namespace, secret } = params;
  for (let attempt = 1; ; attempt++) {
    const account = await defaultServiceAccount(kc, namespace);
    const existing = account.imagePullSecrets ?? [];
    if (existing.some((s) => s.name === secret)) return;
    // `imagePullSecrets` has no merge key: a merge patch replaces the list, so it carries the
    // entries read above, and the resourceVersion makes a concurrent change a 409, not a loss.
    const patch = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace, resourceVersion: account.metadata?.resourceVersion },
      imagePullSecrets: [...existing, { name: secret }],
    };
    try {
      await objectApi(kc).patch(patch as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
      return;
    } catch (error) {
      if ((error as { code?: number }).code === 409 && attempt < PATCH_ATTEMPTS) continue;
      throw new SlipwayError('DEPLOY_APPLY_FAILED', `adding ${secret} to the imagePullSecrets of ServiceAccount ${namespace}/default failed: ${kubeMessage(error)}`, { namespace });
    }
  }
}

/** The namespace's `default` ServiceAccount; in a namespace created moments ago it may not be there yet. */
async function defaultServiceAccount(kc: KubeConfig, namespace: string): Promise<V1ServiceAccount> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + SERVICE_ACCOUNT_WAIT_MS;
  for (;;) {
    try {
      return await core.readNamespacedServiceAccount({ name: 'default', namespace });
    } catch (error) {
      if ((error as { code?: number }).code !== 404 || Date.now() > deadline) {
        throw new SlipwayError('DEPLOY_APPLY_FAILED', `reading ServiceAccount ${namespace}/default failed: ${kubeMessage(error)}`, { namespace });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, SERVICE_ACCOUNT_POLL_MS));
  }
}
