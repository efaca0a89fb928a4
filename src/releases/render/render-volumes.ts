import type { DeployConfig, VolumeSpec } from '../../store/types.js';
import { appLabels } from './labels.js';
import type { Manifest } from './manifest.js';

export function claimName(app: string, volume: string): string {
  return `${app}-${volume}`;
}

/** The PersistentVolumeClaim of an app volume: labelled as the app's, so deleting the app finds it. */
export function renderClaim(params: { app: string; namespace: string; volume: VolumeSpec }): Manifest {
  const { app, namespace, volume } = params;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: claimName(app, volume.name), namespace, labels: { ...appLabels(app), 'slipway.dev/volume': volume.name } },
    spec: {
      accessModes: [volume.accessMode],
      resources: { requests: { storage: volume.size } },
      ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
    },
  };
}

/** Pod volumes and the container's mounts for the app's claims (empty lists when it has none). */
export function volumeWiring(app: string, config: DeployConfig): { volumes: Array<Record<string, unknown>>; mounts: Array<Record<string, unknown>> } {
  const list = config.volumes ?? [];
  return {
    volumes: list.map((v) => ({ name: `vol-${v.name}`, persistentVolumeClaim: { claimName: claimName(app, v.name) } })),
    mounts: list.map((v) => ({ name: `vol-${v.name}`, mountPath: v.mountPath })),
  };
}
