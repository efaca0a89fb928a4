import type { PodPlacement } from '../config.js';
import type { Release } from '../store/types.js';
import { appLabels, LABELS } from './render/labels.js';
import type { Manifest } from './render/manifest.js';
import { secretName } from './render/render-config.js';
import { renderClaim } from './render/render-volumes.js';
import { filesObject } from './render/render-files.js';
import { applyTimeManifests } from './render/apply-time.js';
import type { RunAs } from './render/uid-range.js';
import { HIDDEN } from './dry-run-diff.js';

/** One object of a dry run and how the deploy worker would write it: applied (server-side apply), or created only when absent. */
export interface DryRunObject {
  manifest: Manifest;
  how: 'apply' | 'create';
}

/**
 * Every object a rollout of `release` writes, in the order the deploy worker writes them
 * (prepare-release.ts, then roll-out.ts's applyRelease): the namespace when Slipway makes it,
 * the registry pull secret, the volume claims and the app's Secret version (both created only
 * when absent), then the release's stored manifests with what is added at apply time (the
 * app's scale, placement, the ingress class, the pull secret on the pod template, the namespace's uid). Pure: the
 * caller reads what only the cluster knows (namespace, uid range, pull secret) and passes it in.
 * The app's Secret and its config and secret files carry their keys only: contents live in Redis and are never shown.
 */
export function dryRunObjects(params: {
  release: Release;
  replicas: number;
  placement: PodPlacement;
  /** The install's IngressClass, set on an Ingress that names none (roll-out.ts does the same). */
  ingressClass: string | undefined;
  namespace?: Manifest;
  pullSecret?: { name: string; manifest?: Manifest };
  runAs?: RunAs;
}): DryRunObject[] {
  const { release } = params;
  const { app, config } = release;
  const out: DryRunObject[] = [];
  if (params.namespace) out.push({ manifest: params.namespace, how: 'apply' });
  if (params.pullSecret?.manifest) out.push({ manifest: params.pullSecret.manifest, how: 'apply' });
  for (const volume of config.volumes ?? []) {
    const claim = renderClaim({ app, namespace: config.namespace, volume });
    out.push({ manifest: { ...claim, metadata: { ...claim.metadata, labels: { ...claim.metadata.labels, [LABELS.claimCreatedBy]: String(release.number) } } }, how: 'create' });
  }
  if (config.secret) {
    out.push({
      manifest: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secretName(app, config.secret.version), namespace: config.namespace, labels: { ...appLabels(app), [LABELS.config]: 'secret' } },
        immutable: true,
        type: 'Opaque',
        stringData: Object.fromEntries(config.secret.keys.map((k) => [k, HIDDEN])),
      },
      how: 'create',
    });
  }
  for (const kind of ['files', 'secretFiles'] as const) {
    const set = config[kind];
    if (set) out.push({ manifest: filesObject({ app, namespace: config.namespace, kind, set, placeholder: HIDDEN }), how: 'create' });
  }
  // The autoscaler as the release's config would leave the app (render/autoscaler.ts).
  const manifests = applyTimeManifests(release, release.manifests as Manifest[], {
    replicas: params.replicas,
    autoscale: config.autoscale,
    placement: params.placement,
    ingressClass: params.ingressClass,
    pullSecret: params.pullSecret?.name,
    runAs: params.runAs,
  });
  for (const manifest of manifests) out.push({ manifest, how: 'apply' });
  return out;
}
