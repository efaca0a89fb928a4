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
  // The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels)
  // and the commit, so `kubectl get all -l slipway.dev/commit=<sha>` answers "which commit is live".
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  /** The full sha of the commit a release was built from; absent for an image deployed by digest. */
  commit: 'slipway.dev/commit',
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
  return labelSelector(appLabels(app));
}

/** The label selector matching every one of `labels`: `k1=v1,k2=v2`. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** What an object of a release is for: the app's server (workload, Services, routes), its config, or a hook Job. */
export type Component = 'server' | 'config' | 'hook';

const COMMIT = /^[0-9a-f]{7,64}$/;

/**
 * The labels that say what runs, on every object of a release (never in a selector: selectors
 * are immutable and must keep matching every release's pods). `version` is the short commit, or
 * for an image deployed by digest with no commit, `sha256-` and the digest's first 12 hex digits.
 */
export function releaseLabels(params: { app: string; image: string; commit?: string; component: Component }): Record<string, string> {
  const commit = params.commit && COMMIT.test(params.commit) ? params.commit : undefined;
  const digest = /@sha256:([0-9a-f]{12})/.exec(params.image)?.[1];
  const version = commit ? commit.slice(0, 7) : digest ? `sha256-${digest}` : undefined;
  return {
    [LABELS.instance]: params.app,
    [LABELS.partOf]: params.app,
    [LABELS.component]: params.component,
    ...(version ? { [LABELS.version]: version } : {}),
    // A label value holds 63 characters: a SHA-256 repository's 64-digit sha loses its last one.
    ...(commit ? { [LABELS.commit]: commit.slice(0, 63) } : {}),
  };
}

type Labelled = { kind: string; metadata: { labels?: Record<string, string> }; spec?: unknown };

/**
 * `manifests` with the release's labels on each object's metadata and on its pod template
 * (a Deployment's or StatefulSet's): ConfigMaps and Secrets as `config`, everything else as
 * `server`. Labels an object already has win, but for `version` and `commit`: those are always
 * what the release runs. Selectors are left as they are.
 */
export function withReleaseLabels<M extends Labelled>(manifests: M[], release: { app: string; image: string; commit?: string }): M[] {
  return manifests.map((m) => {
    const labels = releaseLabels({ ...release, component: m.kind === 'ConfigMap' || m.kind === 'Secret' ? 'config' : 'server' });
    const merge = (own: Record<string, string> | undefined) => ({ ...labels, ...own, ...identity(labels) });
    const labelled = { ...m, metadata: { ...m.metadata, labels: merge(m.metadata.labels) } };
    const spec = m.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    if ((m.kind !== 'Deployment' && m.kind !== 'StatefulSet') || !spec?.template) return labelled;
    const template = { ...spec.template, metadata: { ...spec.template.metadata, labels: merge(spec.template.metadata?.labels) } };
    return { ...labelled, spec: { ...spec, template } };
  });
}

function identity(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => key === LABELS.version || key === LABELS.commit));
}
