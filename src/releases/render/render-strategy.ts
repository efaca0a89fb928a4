import { updateType } from '../../store/single-node-volumes.js';
import type { DeployConfig } from '../../store/types.js';

/**
 * A Deployment's update strategy. Unless the app chooses, an app that mounts a ReadWriteOnce
 * volume gets Recreate: a surge pod on another node could never attach the volume and the
 * rollout would hang (the reason OpenShift templates with a RWO claim use Recreate). Choosing
 * Rolling, BlueGreen or Canary with such a volume is refused (store/single-node-volumes.ts); a
 * config stored before that rule keeps what it chose, and a hang is caught as VolumeAttachFailed.
 * Otherwise a rolling update that keeps old pods serving until new ones are ready. A blue-green or
 * canary side is created once per release and only scaled after, so it rolls too.
 */
export function deploymentStrategy(config: Pick<DeployConfig, 'strategy' | 'volumes'>): Record<string, unknown> {
  const chosen = config.strategy;
  if (updateType(config) === 'Recreate') return { type: 'Recreate' };
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge: chosen?.maxSurge ?? '25%', maxUnavailable: chosen?.maxUnavailable ?? 0 } };
}
