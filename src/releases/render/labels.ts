// Labels on everything Slipway creates; selection is always by label, never by name prefix.
export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  release: 'slipway.dev/release',
  /** On hook Jobs and their pods: `pre` or `post`. */
  hook: 'slipway.dev/hook',
  /**
   * The app a hook pod belongs to. Hook pods deliberately lack `app.kubernetes.io/name`: with it
   * they would be endpoints of the app's Service and count as pods of the rollout.
   */
  hookOf: 'slipway.dev/hook-of',
  /** On an app's config objects: `env` (ConfigMap) or `secret` (Secret). */
  config: 'slipway.dev/config',
  /**
   * On an app's PersistentVolumeClaims: the release whose rollout created the claim. A claim is
   * created once and never applied again, so this names its maker for good: an automatic
   * rollback deletes a claim only the failed release made (rollback/prune-choice.ts), never one
   * an earlier release made, which holds data.
   */
  claimCreatedBy: 'slipway.dev/created-by-release',
} as const;

export const FIELD_MANAGER = 'slipway';
export const CONFIG_HASH_ANNOTATION = 'slipway.dev/config-hash';
/** Changed by a restart, as `kubectl rollout restart` sets kubectl.kubernetes.io/restartedAt. */
export const RESTARTED_AT_ANNOTATION = 'slipway.dev/restartedAt';

export function appLabels(app: string): Record<string, string> {
  return { [LABELS.name]: app, [LABELS.managedBy]: 'slipway' };
}

export function releaseSelector(app: string, release: number): string {
  return `${LABELS.name}=${app},${LABELS.release}=${release}`;
}

/** `app.kubernetes.io/name=<app>,app.kubernetes.io/managed-by=slipway`. */
export function appSelector(app: string): string {
  return Object.entries(appLabels(app)).map(([k, v]) => `${k}=${v}`).join(',');
}
