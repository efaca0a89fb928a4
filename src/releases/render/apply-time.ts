import type { PodPlacement } from '../../config.js';
import type { Release } from '../../store/types.js';
import { withAutoscale, type Autoscale } from './autoscaler.js';
import { withIngressClass } from './ingress.js';
import type { Manifest } from './manifest.js';
import { withPlacement } from './placement.js';
import { withPullSecret } from './pull-secret.js';
import { withRunAs } from './run-as.js';
import type { RunAs } from './uid-range.js';
import { withReplicas } from './with-replicas.js';

/** What the app and the install add to a release's manifests when they are applied, never stored in the release record. */
export interface ApplyTime {
  /** The app's scale; ignored for the workload an autoscaler owns. */
  replicas: number | undefined;
  /** The app's autoscaler (autoscaler.ts). */
  autoscale: Autoscale | undefined;
  /** Where pods run (config.podPlacement). */
  placement: PodPlacement;
  /** The install's IngressClass, set on an Ingress that names none. */
  ingressClass: string | undefined;
  /** The registry pull secret's name in the namespace, on every pod template. */
  pullSecret: string | undefined;
  /** The namespace's assigned uid (uid-range.ts). */
  runAs: RunAs | undefined;
}

/**
 * `manifests` (a release's stored ones, or part of them) as they are applied: scale or
 * autoscaler, placement, ingress class, pull secret, uid. The one chain the deploy worker's
 * apply (roll-out.ts) and a dry run (dry-run-objects.ts) both use, so a dry run shows exactly
 * what a release applies. Pure.
 */
export function applyTimeManifests(release: Pick<Release, 'app' | 'config'>, manifests: Manifest[], at: ApplyTime): Manifest[] {
  const container = release.config.podTemplate?.container ?? release.app;
  const scaled = withAutoscale(withReplicas(manifests, at.replicas), { app: release.app, container, autoscale: at.autoscale });
  return withRunAs(withPullSecret(withIngressClass(withPlacement(scaled, at.placement), at.ingressClass), at.pullSecret), at.runAs);
}
