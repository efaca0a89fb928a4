import { SlipwayError } from '../errors.js';
import type { DeployConfig, VolumeSpec } from './types.js';

/** Volume access modes one node at a time can mount: a second pod elsewhere waits on Multi-Attach. */
export const SINGLE_NODE_MODES: ReadonlySet<string> = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

/**
 * How a Deployment replaces its pods: the strategy the app chose, else Recreate when it mounts a
 * single-node volume (a surge pod could never attach it; render-strategy.ts), else Rolling.
 */
export function updateType(config: Pick<DeployConfig, 'strategy' | 'volumes'>): NonNullable<DeployConfig['strategy']>['type'] {
  return config.strategy?.type ?? ((config.volumes ?? []).some((v) => SINGLE_NODE_MODES.has(v.accessMode)) ? 'Recreate' : 'Rolling');
}

/**
 * How a config would leave a pod waiting forever on a volume another pod holds (the "ReadWriteOnce
 * trap": the pod sits in ContainerCreating on `Multi-Attach error`, OpenShift says nothing):
 * - `replicas`: more than one pod mounts the claim. App volumes are one shared claim `<app>-<name>`
 *   for every pod, for a StatefulSet too (render-volumes.ts mounts them by claimName; per-pod
 *   claims are volumeClaimTemplates, which only a template's own StatefulSet has, never an app volume);
 * - `rolling`: a chosen Rolling strategy starts the new pod before the old one lets go;
 * - `progressive`: BlueGreen and Canary run two releases at once;
 * - `autoscale`: a HorizontalPodAutoscaler may add pods up to its maxReplicas.
 * Recreate, and the default a Deployment with such a volume gets (render-strategy.ts), are safe.
 */
export interface SingleNodeTrap {
  cause: 'replicas' | 'rolling' | 'progressive' | 'autoscale';
  volume: VolumeSpec;
}

export function singleNodeTraps(config: Pick<DeployConfig, 'kind' | 'replicas' | 'strategy' | 'volumes' | 'autoscale'>): SingleNodeTrap[] {
  const single = (config.volumes ?? []).filter((v) => SINGLE_NODE_MODES.has(v.accessMode));
  const type = config.kind === 'Deployment' ? config.strategy?.type : undefined;
  const causes: Array<SingleNodeTrap['cause']> = [
    ...(config.replicas > 1 ? (['replicas'] as const) : []),
    ...(type === 'Rolling' ? (['rolling'] as const) : []),
    ...(type === 'BlueGreen' || type === 'Canary' ? (['progressive'] as const) : []),
    ...((config.autoscale?.maxReplicas ?? 1) > 1 ? (['autoscale'] as const) : []),
  ];
  return causes.flatMap((cause) => single.map((volume) => ({ cause, volume })));
}

/**
 * Throws VOLUME_SINGLE_NODE (422) when `config` falls into the trap and `before` (the config it
 * replaces) did not, or did with fewer replicas: whichever change comes last (a scale, a volume, a
 * strategy) is the one refused. A stored config that already was in the trap (saved before this
 * rule) is left alone by changes that do not deepen it: refusing every env change or deploy of such
 * an app would stop it for a risk it may never meet (two pods on one node share a ReadWriteOnce
 * claim), and if a rollout does hang, the rollout judgement fails it fast as VolumeAttachFailed.
 */
export function checkSingleNodeVolumes(config: DeployConfig, before?: DeployConfig): void {
  const had = new Set((before ? singleNodeTraps(before) : []).map(key));
  const grew = before !== undefined && config.replicas > before.replicas;
  const autoscaleGrew = before !== undefined && (config.autoscale?.maxReplicas ?? 0) > (before.autoscale?.maxReplicas ?? 0);
  const trap = singleNodeTraps(config).find((t) => !had.has(key(t)) || (t.cause === 'replicas' && grew) || (t.cause === 'autoscale' && autoscaleGrew));
  if (trap) throw trapError(trap, config);
}

function key(t: SingleNodeTrap): string {
  return `${t.cause}:${t.volume.name}:${t.volume.accessMode}`;
}

function trapError(trap: SingleNodeTrap, config: DeployConfig): SlipwayError {
  const { volume, cause } = trap;
  const mounts = volume.accessMode === 'ReadWriteOncePod' ? 'only one pod' : 'only pods on one node';
  const what = `volume "${volume.name}" is ${volume.accessMode} (${mounts} can mount it)`;
  const message = {
    replicas: `${config.replicas} replicas all mount the claim of ${what}: a pod elsewhere would wait in ContainerCreating forever (Multi-Attach). Keep 1 replica, or use a ReadWriteMany volume`,
    rolling: `the Rolling strategy starts the new pod before the old one stops, and ${what}: the new pod could wait forever (Multi-Attach). Use Recreate (the default with such a volume), or a ReadWriteMany volume`,
    progressive: `the ${config.strategy?.type} strategy runs two releases at once, and ${what}: the second release's pods would wait forever (Multi-Attach). Use Recreate, or a ReadWriteMany volume`,
    autoscale: `the autoscaler may run up to ${config.autoscale?.maxReplicas} replicas, and ${what}: a pod elsewhere would wait in ContainerCreating forever (Multi-Attach). Use --max 1, or a ReadWriteMany volume`,
  }[cause];
  const field = cause === 'replicas' || cause === 'autoscale' ? cause : 'strategy';
  return new SlipwayError('VOLUME_SINGLE_NODE', message, { volume: volume.name, accessMode: volume.accessMode, cause, field });
}
