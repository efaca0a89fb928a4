import { CoreV1Api, type KubeConfig, type V1PersistentVolumeClaim, type V1Secret } from '@kubernetes/client-node';
import type { NamespaceRules } from '../config.js';
import { SlipwayError } from '../errors.js';
import type { SecretStore } from '../store/secret-store.js';
import type { Release } from '../store/types.js';
import { applyManifests, ensureNamespace } from './cluster/apply.js';
import { ensurePullSecret } from './cluster/pull-secret.js';
import { appLabels, FIELD_MANAGER, LABELS } from './render/labels.js';
import type { Manifest } from './render/manifest.js';
import type { RegistryCredentials } from './render/pull-secret.js';
import { secretName } from './render/render-config.js';
import { renderClaim } from './render/render-volumes.js';
import { filesObject } from './render/render-files.js';
import type { RunAs } from './render/uid-range.js';

/**
 * What a release's pods and hooks need before any of them exists: the namespace, the app's
 * volume claims, its Secret (made from Redis: secret values are never part of a release's
 * manifests), its config and secret files (the same, render-files.ts) and its env ConfigMap. Idempotent, so a rollback to an old release, or a resumed
 * one, recreates what has since gone. With registry credentials (`registry`, the deploy
 * worker's config) it also keeps the namespace's registry pull secret, and answers its name for
 * the pods and hook Jobs to reference; with `arbitraryUids`, what they run as (the namespace's uid).
 */
export async function prepareRelease(params: {
  kc: KubeConfig;
  secrets: SecretStore;
  release: Release;
  manageNamespaces: boolean;
  namespaces: NamespaceRules;
  registry?: RegistryCredentials;
  /** SLIPWAY_ARBITRARY_UIDS: the namespace's uid range is assigned, and answered as `runAs`. */
  arbitraryUids?: boolean;
}): Promise<{ imagePullSecret?: string; runAs?: RunAs }> {
  const { kc, secrets, release } = params;
  const { config, app } = release;
  const namespace = config.namespace;
  const { runAs } = await ensureNamespace({ kc, namespace, app, manage: params.manageNamespaces, rules: params.namespaces, arbitraryUids: params.arbitraryUids ?? false });
  const imagePullSecret = await ensurePullSecret({ kc, namespace, ...(params.registry ? { registry: params.registry } : {}) });
  const core = kc.makeApiClient(CoreV1Api);
  for (const volume of config.volumes ?? []) {
    // Create, never apply: a bound claim's spec is the cluster's now (volumeName, a resize).
    // Labelled with the release that creates it: a rollback of that release deletes it again (prune-release.ts).
    const claim = renderClaim({ app, namespace, volume });
    const body = { ...claim, metadata: { ...claim.metadata, labels: { ...claim.metadata.labels, [LABELS.claimCreatedBy]: String(release.number) } } };
    await createIfAbsent(() => core.createNamespacedPersistentVolumeClaim({ namespace, body: body as V1PersistentVolumeClaim, fieldManager: FIELD_MANAGER }));
  }
  if (config.secret) {
    const values = await secrets.get(app, config.secret.version);
    if (!values) throw new SlipwayError('DEPLOY_APPLY_FAILED', `secret version ${config.secret.version} of app "${app}" is not stored any more`, { app });
    const body: V1Secret = {
      metadata: { name: secretName(app, config.secret.version), namespace, labels: { ...appLabels(app), [LABELS.config]: 'secret' } },
      immutable: true,
      type: 'Opaque',
      stringData: values,
    };
    await createIfAbsent(() => core.createNamespacedSecret({ namespace, body, fieldManager: FIELD_MANAGER }));
  }
  for (const kind of ['files', 'secretFiles'] as const) {
    // issue 19: config and secret files, like the Secret: contents from Redis, one immutable object per version.
    const set = config[kind];
    if (!set) continue;
    const contents = await secrets.get(app, set.version);
    if (!contents) throw new SlipwayError('DEPLOY_APPLY_FAILED', `${kind === 'files' ? 'config' : 'secret'} files version ${set.version} of app "${app}" are not stored any more`, { app });
    const body = filesObject({ app, namespace, kind, set, contents });
    await createIfAbsent(() => (kind === 'files' ? core.createNamespacedConfigMap({ namespace, body, fieldManager: FIELD_MANAGER }) : core.createNamespacedSecret({ namespace, body: body as V1Secret, fieldManager: FIELD_MANAGER })));
  }
  const configObjects = (release.manifests as Manifest[]).filter((m) => m.kind === 'ConfigMap');
  if (configObjects.length) await applyManifests(kc, configObjects);
  return { ...(imagePullSecret ? { imagePullSecret } : {}), ...(runAs ? { runAs } : {}) };
}

async function createIfAbsent(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
}
