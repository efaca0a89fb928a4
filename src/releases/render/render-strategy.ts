import { SINGLE_NODE_MODES } from '../../store/deploy-config.js';
import type { DeployConfig } from '../../store/types.js';

/**
 * A Deployment's update strategy. Unless the app chooses, an app that mounts a ReadWriteOnce
 * volume gets Recreate: a surge pod on another node could never attach the volume and the
 * rollout would hang (the reason OpenShift templates with a RWO claim use Recreate).
 * Otherwise a rolling update that keeps old pods serving until new ones are ready. A blue-green or
 * canary side is created once per release and only scaled after, so it rolls too.
 */
export function deploymentStrategy(config: DeployConfig): Record<string, unknown> {
  const chosen = config.strategy;
  const type = chosen?.type ?? (config.volumes?.some((v) => SINGLE_NODE_MODES.has(v.accessMode)) ? 'Recreate' : 'Rolling');
  if (type === 'Recreate') return { type: 'Recreate' };
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge: chosen?.maxSurge ?? '25%', maxUnavailable: chosen?.maxUnavailable ?? 0 } };
}
