import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject, type V1Namespace } from '@kubernetes/client-node';
import type { NamespaceRules } from '../../config.js';
import { SlipwayError } from '../../errors.js';
import { checkAppNamespace } from '../../store/deploy-config.js';
import { appLabels, FIELD_MANAGER, LABELS, releaseSelector } from '../render/labels.js';
import { objectApi } from '../../services/kube-config.js';
import type { Manifest } from '../render/manifest.js';
import { namespaceRunAs, UID_RANGE_ANNOTATION, type RunAs } from '../render/uid-range.js';
import { ensureRunAs } from './uid-range.js';
import { readIfPresent } from '../../services/kube-not-found.js';

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
 * What a release would change, asked of the API server without changing it: the same
 * server-side apply as applyManifests (field manager `slipway`, forced) with `dryRun=All`, so
 * admission, defaulting and field ownership all run. Answers the object as it would be stored.
 */
export async function applyDryRun(kc: KubeConfig, manifest: Manifest): Promise<KubernetesObject> {
  return objectApi(kc).patch(manifest as KubernetesObject, undefined, 'All', FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

/** A namespace Slipway makes for an app (ensureNamespace), labelled as Slipway's, Pod Security `restricted`. */
export function namespaceManifest(namespace: string, app: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...appLabels(app), ...POD_SECURITY_LABELS } } };
}

/**
 * Pod Security admission at `restricted` on every namespace Slipway creates: no privileged or
 * host-namespace pods, no hostPath, non-root, no privilege escalation, capabilities dropped,
 * seccomp RuntimeDefault. Slipway's own pods and hooks satisfy it (render.ts, render-hook.ts).
 */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;

/**
 * Makes sure the app's namespace is there to deploy into, and that it is one Slipway may use at
 * all (`rules`: kube-*, Slipway's own and unlisted namespaces are refused with NAMESPACE_FORBIDDEN
 * before anything is read or written: defence in depth behind the same check on create and PATCH).
 * `manage`: creates it if absent, labelled as Slipway's with Pod Security `restricted`; a namespace
 * someone else made keeps its labels. Otherwise only reads it: a RoleBinding in namespace N grants
 * `get` on the Namespace object N itself and on no other, so the read succeeds exactly in the
 * namespaces an admin handed to Slipway, and Slipway needs no cluster-wide permission at all.
 *
 * `arbitraryUids` (SLIPWAY_ARBITRARY_UIDS): answers what the namespace's pods run as, from its uid
 * range (render/uid-range.ts). A managed namespace without one is given one (uid-range.ts); an
 * unmanaged one must already carry it (an admin's `slipway.dev/uid-range`, or OpenShift's), else
 * DEPLOY_APPLY_FAILED: the setting promises pods never run as the image's own uid.
 */
export async function ensureNamespace(params: { kc: KubeConfig; namespace: string; app: string; manage: boolean; rules: NamespaceRules; arbitraryUids?: boolean }): Promise<{ runAs?: RunAs }> {
  const { kc, namespace, app } = params;
  checkAppNamespace(namespace, params.rules);
  const core = kc.makeApiClient(CoreV1Api);
  if (params.manage) {
    const existing = await readIfPresent(() => core.readNamespace({ name: namespace }));
    if (!existing || existing.metadata?.labels?.[LABELS.managedBy] === 'slipway') {
      // Created, or made by Slipway before it labelled namespaces: the labels are (re)applied.
      await applyManifests(kc, [namespaceManifest(namespace, app)]);
    }
    if (!params.arbitraryUids) return {};
    try {
      return { runAs: await ensureRunAs({ kc, namespace }) };
    } catch (error) {
      if (error instanceof SlipwayError) throw error;
      throw new SlipwayError('DEPLOY_APPLY_FAILED', `assigning a uid range to namespace "${namespace}" failed: ${kubeMessage(error)}`, { namespace });
    }
  }
  let existing: V1Namespace;
  try {
    existing = await core.readNamespace({ name: namespace });
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
  if (!params.arbitraryUids) return {};
  const runAs = namespaceRunAs(existing.metadata?.annotations);
  if (runAs) return { runAs };
  throw new SlipwayError(
    'DEPLOY_APPLY_FAILED',
    `namespace "${namespace}" has no uid range, and SLIPWAY_ARBITRARY_UIDS runs every app under its namespace's: ` +
      `Slipway does not manage namespaces here, so an admin annotates it (${UID_RANGE_ANNOTATION}: <first uid>/<size>, a block no other namespace uses)`,
    { namespace, app },
  );
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
