import { SlipwayError } from '../errors.js';
import { SINGLE_NODE_MODES } from '../store/single-node-volumes.js';

type Obj = Record<string, unknown>;

interface Workload {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    replicas?: number;
    template?: { spec?: { volumes?: Array<{ name?: string; persistentVolumeClaim?: { claimName?: string } }> } };
  };
}

/**
 * The ReadWriteOnce trap in a template (store/single-node-volumes.ts says it for apps): a
 * Deployment or StatefulSet whose pods all mount one of the template's own ReadWriteOnce or
 * ReadWriteOncePod claims and that runs more than one replica. Throws VOLUME_SINGLE_NODE before
 * anything is applied. A StatefulSet's volumeClaimTemplates are one claim per pod and never the
 * trap; a claim the template does not hold is not judged (its access mode is not known here).
 * A template workload that rolls (a DeploymentConfig's default Rolling strategy) is not refused:
 * with one replica it works wherever the new pod lands on the claim's node, and templates in use
 * do it; should it hang, the rollout judgement names the Multi-Attach (VolumeAttachFailed).
 */
export function checkTemplateClaims(objects: Obj[]): void {
  const modes = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'PersistentVolumeClaim') continue;
    const claim = o as { metadata?: { name?: string }; spec?: { accessModes?: string[] } };
    const single = claim.spec?.accessModes?.find((m) => SINGLE_NODE_MODES.has(m));
    if (claim.metadata?.name && single) modes.set(claim.metadata.name, single);
  }
  for (const o of objects as Workload[]) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const claims = (o.spec?.template?.spec?.volumes ?? []).flatMap((v) => {
      const name = v.persistentVolumeClaim?.claimName;
      const mode = name ? modes.get(name) : undefined;
      return name && mode ? [{ name, mode }] : [];
    });
    const claim = claims[0];
    if (!claim) continue;
    const replicas = o.spec?.replicas ?? 1;
    const what = `${o.kind} ${o.metadata?.name ?? '?'} mounts claim "${claim.name}", which is ${claim.mode}`;
    if (replicas > 1) {
      throw new SlipwayError('VOLUME_SINGLE_NODE', `${what}, with ${replicas} replicas: a pod on another node would wait in ContainerCreating forever (Multi-Attach). Use 1 replica, a ReadWriteMany claim, or a StatefulSet's volumeClaimTemplates`, { object: `${o.kind}/${o.metadata?.name}`, volume: claim.name, accessMode: claim.mode, cause: 'replicas' });
    }
  }
}
