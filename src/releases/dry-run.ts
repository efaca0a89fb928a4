import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config.js';
import { SlipwayError } from '../errors.js';
import { checkAppNamespace } from '../store/deploy-config.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { DryRunView } from '../store/views.js';
import { kubeMessage, namespaceManifest } from './cluster/apply.js';
import { askServer, hasPullSecret, namespaceLabels } from './cluster/dry-run-object.js';
import { unrenderedObjects } from './cluster/prune-unrendered.js';
import { hideSecretValues, objectChange } from './dry-run-diff.js';
import { dryRunObjects } from './dry-run-objects.js';
import { deployableImage, draftRelease, type ReleaseSpec } from './make-release.js';
import { LABELS } from './render/labels.js';
import { PULL_SECRET_NAME, renderPullSecret } from './render/pull-secret.js';
import { namespaceRunAs } from './render/uid-range.js';

/** What a dry run reads: releases (never written), the install's config, and the cluster (asked, never written). */
export interface DryRunDeps {
  releases: ReleaseStore;
  config: Pick<Config, 'manageNamespaces' | 'namespaces' | 'podPlacement' | 'registry' | 'arbitraryUids' | 'ingressClass'>;
  kubeConfig(): KubeConfig;
}

/**
 * What making the release of `spec` would apply, and how it would change the live objects
 * (`kubectl diff`, `helm template`, `oc new-app -o yaml`), changing nothing: the release is
 * drafted by the same code that records one (make-release.ts's draftRelease, same render), its
 * number only peeked at, and every object asked of the API server as a server-side apply dry run
 * (`dryRun=All`, field manager `slipway`). Nothing is written to Redis, a queue, the registry or
 * the cluster. Without an image yet (a new app from a repo, an app never built), the manifests
 * carry `placeholder`, and a note says a build would make the image first.
 */
export async function dryRunRelease(deps: DryRunDeps, params: { spec: ReleaseSpec; placeholder?: { image: string; note: string } }): Promise<DryRunView> {
  const { spec } = params;
  const { app } = spec;
  const notes: string[] = [];
  const current = await deps.releases.current(app.name);
  let image: string;
  if (!spec.image && !current && params.placeholder) {
    image = params.placeholder.image;
    notes.push(params.placeholder.note);
  } else {
    image = await deployableImage(deps.releases, { app: app.name, image: spec.image });
  }
  const number = spec.number ?? ((await deps.releases.list(app.name, 1))[0]?.number ?? 0) + 1;
  const release = await draftRelease({ releases: deps.releases, spec, image, number });
  const namespace = release.config.namespace;
  checkAppNamespace(namespace, deps.config.namespaces);

  const kc = deps.kubeConfig();
  const live = await namespaceLabels(kc, namespace).catch((error: unknown) => {
    throw new SlipwayError('CLUSTER_UNREACHABLE', `cannot read namespace "${namespace}" for the dry run: ${kubeMessage(error)}`, { namespace });
  });
  const manage = deps.config.manageNamespaces;
  if (!manage && !live) notes.push(`namespace "${namespace}" does not exist or has no RoleBinding for Slipway, which does not create namespaces here: the release would fail (NamespaceNotManaged)`);
  // ensureNamespace (re)applies the namespace when it makes it, or made it before labelling.
  const ownNamespace = manage && (!live || live.labels[LABELS.managedBy] === 'slipway') ? namespaceManifest(namespace, app.name) : undefined;
  const runAs = deps.config.arbitraryUids ? namespaceRunAs(live?.annotations) : undefined;
  if (deps.config.arbitraryUids && !runAs) notes.push(`namespace "${namespace}" has no uid range yet: ${manage ? 'the deploy worker would assign one' : 'the release would fail'}, and the pods would run under it`);
  const pullSecret = await pullSecretOf({ kc, namespace, registry: deps.config.registry, notes });

  const objects = dryRunObjects({
    release,
    replicas: app.deploy.replicas,
    placement: deps.config.podPlacement,
    ingressClass: deps.config.ingressClass,
    ...(ownNamespace ? { namespace: ownNamespace } : {}),
    ...(pullSecret ? { pullSecret } : {}),
    ...(runAs ? { runAs } : {}),
  });
  const changes = [];
  for (const object of objects) changes.push(objectChange(object.manifest, await askServer(kc, object)));
  // What the deploy worker would delete after the apply: the app's Ingresses and HPA the release has not.
  if (live) {
    const rendered = objects.map((o) => o.manifest);
    for (const { kind, name } of await unrenderedObjects({ kc, namespace, app: app.name, rendered })) {
      changes.push({ kind, name, namespace, action: 'delete' as const, fields: [], message: 'the release has none: the deploy worker would delete it' });
    }
  }
  if (release.preHook) notes.push(`a pre hook Job would run \`${release.preHook.command.join(' ')}\` from the image before the rollout (${release.preHook.reason})`);
  return { dryRun: true, app: app.name, release: number, image, manifests: objects.map((o) => hideSecretValues(o.manifest)), changes, notes };
}

/**
 * The registry pull secret as the deploy worker keeps it. With credentials in this process's
 * config it is rendered (values hidden when shown); without (the API of an in-cluster install
 * holds none, deploy/kubernetes/base/api.yaml), one already in the namespace is referenced, as
 * the worker would re-apply it, and a note says it cannot be shown.
 */
async function pullSecretOf(params: { kc: KubeConfig; namespace: string; registry: DryRunDeps['config']['registry']; notes: string[] }) {
  const manifest = renderPullSecret({ namespace: params.namespace, registry: params.registry });
  if (manifest) return { name: PULL_SECRET_NAME, manifest };
  if (!(await hasPullSecret(params.kc, params.namespace).catch(() => false))) return undefined;
  params.notes.push(`the registry pull secret ${PULL_SECRET_NAME} is kept by the deploy worker, which holds the registry credentials: it is referenced, not shown`);
  return { name: PULL_SECRET_NAME };
}
