import { PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { objectApi } from '../../services/kube-config.js';
import { LABELS } from '../render/labels.js';

/**
 * Names `release` as the maker of a claim made for it ahead of its rollout (POST
 * /apps/:app/volumes creates the claim at once, then records the release that mounts it): a
 * rollback of that release deletes the claim again (rollback/prune-choice.ts). A merge patch of
 * the one label: the claim's spec is the cluster's.
 */
export async function labelClaimCreator(params: { kc: KubeConfig; namespace: string; claim: string; release: number }): Promise<void> {
  const { kc, namespace, claim, release } = params;
  const patch: KubernetesObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace, labels: { [LABELS.claimCreatedBy]: String(release) } } };
  await objectApi(kc).patch(patch, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
}
