import { CoreV1Api, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { SlipwayError, ValidationError } from '../errors.js';
import { ensureNamespace } from '../releases/cluster/apply.js';
import { labelClaimCreator } from '../releases/cluster/claim-creator.js';
import { FIELD_MANAGER } from '../releases/render/labels.js';
import { claimName, renderClaim } from '../releases/render/render-volumes.js';
import type { Services } from '../services/services.js';
import { VOLUME_DEFAULTS } from '../store/schemas/deploy-config.js';
import { checkSingleNodeVolumes } from '../store/single-node-volumes.js';
import { checkFileMounts } from '../store/file-mount-rules.js';
import type { Release, VolumeInput, VolumeSpec } from '../store/types.js';
import type { VolumeView } from '../store/views.js';
import { changeApp } from './change-app.js';

type VolumeDeps = Pick<Services, 'apps' | 'releases' | 'deployQueue' | 'config' | 'kubeConfig'>;

/** The app's volumes with the claim each one mounts. */
export async function listVolumes(deps: Pick<Services, 'apps'>, name: string): Promise<VolumeView[]> {
  const app = await deps.apps.get(name);
  return (app.deploy.volumes ?? []).map((v) => ({ ...v, claim: claimName(app.name, v.name) }));
}

/**
 * App volumes: a PersistentVolumeClaim `<app>-<name>` created at once (so a claim that cannot be
 * made fails here, not in a rollout) and mounted from the next release on, which a running app
 * gets now.
 */
export async function addVolume(deps: VolumeDeps, params: { app: string; volume: VolumeInput }): Promise<{ volume: VolumeView; release: Release | null }> {
  const app = await deps.apps.get(params.app);
  const volume: VolumeSpec = { ...VOLUME_DEFAULTS, ...params.volume };
  const volumes = app.deploy.volumes ?? [];
  if (volumes.some((v) => v.name === volume.name)) throw new SlipwayError('VOLUME_EXISTS', `app "${app.name}" already has a volume "${volume.name}"`, { volume: volume.name });
  const clash = volumes.find((v) => v.mountPath === volume.mountPath);
  if (clash) throw new ValidationError(`volume "${clash.name}" is already mounted at ${volume.mountPath}`, { field: 'mountPath' });
  // Before the claim is made: a ReadWriteOnce volume on an app with replicas > 1 or a chosen Rolling strategy (VOLUME_SINGLE_NODE).
  checkSingleNodeVolumes({ ...app.deploy, volumes: [...volumes, volume] }, app.deploy);
  // issue 19: not where a config or secret file is mounted, nor holding or inside one (FILE_PATH_CONFLICT).
  checkFileMounts({ ...app.deploy, volumes: [...volumes, volume] });
  const kc = deps.kubeConfig();
  const namespace = app.deploy.namespace;
  await ensureNamespace({ kc, namespace, app: app.name, manage: deps.config.manageNamespaces, rules: deps.config.namespaces });
  let created = false;
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedPersistentVolumeClaim({
      namespace,
      body: renderClaim({ app: app.name, namespace, volume }) as V1PersistentVolumeClaim,
      fieldManager: FIELD_MANAGER,
    });
    created = true;
  } catch (error) {
    // A claim kept from an earlier life of the app is mounted again, data and all.
    if ((error as { code?: number }).code !== 409) throw error;
  }
  const { release } = await changeApp(deps, { app, deploy: { ...app.deploy, volumes: [...volumes, volume] } });
  // A new claim belongs to the release that first mounts it: an automatic rollback of that
  // release deletes it again. A kept claim (409) is an earlier release's, and keeps its data.
  if (created && release) await labelClaimCreator({ kc, namespace, claim: claimName(app.name, volume.name), release: release.number });
  return { volume: { ...volume, claim: claimName(app.name, volume.name) }, release: release ?? null };
}

/** Unmounts a volume from the next release on; its claim outlives it unless `deleteClaim`. */
export async function removeVolume(
  deps: VolumeDeps,
  params: { app: string; name: string; deleteClaim: boolean },
): Promise<{ removed: string; claim: string; claimDeleted: boolean; release: Release | null }> {
  const app = await deps.apps.get(params.app);
  const volumes = app.deploy.volumes ?? [];
  if (!volumes.some((v) => v.name === params.name)) {
    throw new SlipwayError('VOLUME_NOT_FOUND', `app "${app.name}" has no volume "${params.name}"`, { volume: params.name });
  }
  const { release } = await changeApp(deps, { app, deploy: { ...app.deploy, volumes: volumes.filter((v) => v.name !== params.name) } });
  const claim = claimName(app.name, params.name);
  if (params.deleteClaim) {
    // Kubernetes keeps a claim that pods still use until they are gone (pvc-protection).
    await deps.kubeConfig().makeApiClient(CoreV1Api).deleteNamespacedPersistentVolumeClaim({ namespace: app.deploy.namespace, name: claim }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 404) throw error;
    });
  }
  return { removed: params.name, claim, claimDeleted: params.deleteClaim, release: release ?? null };
}
