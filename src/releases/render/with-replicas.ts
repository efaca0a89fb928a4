import type { Manifest } from './manifest.js';

/**
 * A release's manifests with the workload's replicas set to the app's current scale. Scale
 * belongs to the app, not to a release (as with `heroku ps:scale` or `kubectl scale`): a
 * rollback, or re-applying the last good release after a failure, must not undo a scale change.
 */
export function withReplicas(manifests: Manifest[], replicas: number | undefined): Manifest[] {
  if (replicas === undefined) return manifests;
  return manifests.map((m) =>
    m.kind === 'Deployment' || m.kind === 'StatefulSet' ? { ...m, spec: { ...(m.spec as Record<string, unknown>), replicas } } : m,
  );
}
