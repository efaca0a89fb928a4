import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { NamespaceRules, PodPlacement } from '../config.js';
import { SlipwayError } from '../errors.js';
import type { AppStore } from '../store/app-store.js';
import type { ReleaseStore } from '../store/release-store.js';
import type { SecretStore } from '../store/secret-store.js';
import type { Release } from '../store/types.js';
import { applyManifests, deleteReleasePods, kubeMessage } from './cluster/apply.js';
import { prepareRelease } from './prepare-release.js';
import type { Manifest } from './render/manifest.js';
import { watchRollout } from './rollout/watch-rollout.js';
import type { RegistryCredentials } from './render/pull-secret.js';
import { applyTimeManifests, type ApplyTime } from './render/apply-time.js';
import { pruneUnrendered } from './cluster/prune-unrendered.js';
import { handOverReplicas } from './cluster/scale-workload.js';
import type { WorkloadStatus } from './rollout/workload-status.js';
import { workloadName } from './progressive/plan.js';

export interface DeployDeps {
  kc: KubeConfig;
  releases: ReleaseStore;
  apps: AppStore;
  secrets: SecretStore;
  logger: Logger;
  /** Create app namespaces (true), or deploy only into existing ones Slipway is bound in (config.manageNamespaces). */
  manageNamespaces: boolean;
  /** Namespaces apps may use at all (config.namespaces): checked again before anything is applied. */
  namespaces: NamespaceRules;
  /** Where app and hook pods run (config.podPlacement): install config, added at apply time. */
  placement: PodPlacement;
  /** The registry and its credentials (config.registry): kept as a pull secret in each app namespace. */
  registry?: RegistryCredentials;
  /** Pods run as their namespace's assigned uid, OpenShift-style (config.arbitraryUids): added at apply time. */
  arbitraryUids?: boolean;
  /** Verify releases by real requests unless an app says otherwise (config.verifyReleases). */
  verifyReleases: boolean;
  /** The install's Prometheus, for a strategy's metric analysis (config.prometheusUrl). */
  prometheusUrl?: string;
  /** The install's IngressClass for Ingresses that name none (config.ingressClass): added at apply time. */
  ingressClass?: string;
  /** Aborted when the worker closes: a held blue-green or canary rollout is handed back to the queue (progressive/hold.ts). */
  stopping?: AbortSignal;
}

export function prepareParams(deps: DeployDeps, release: Release): Parameters<typeof prepareRelease>[0] {
  const { kc, secrets, manageNamespaces, namespaces, registry, arbitraryUids } = deps;
  return { kc, secrets, release, manageNamespaces, namespaces, ...(registry ? { registry } : {}), arbitraryUids: arbitraryUids ?? false };
}

/** What a rollout came to: the workload's status, or a failure to reach or apply to the cluster. */
export type Outcome = Omit<WorkloadStatus, 'reason'> & { reason?: string };

/** A cluster or apply error as a failed rollout. */
export function failedOutcome(reason: string, error: unknown): Outcome {
  return { state: 'failed', reason, message: error instanceof SlipwayError ? error.message : kubeMessage(error), pods: [] };
}

/**
 * Applies a release's stored manifests, or those `pick` chooses of them, with what the app and
 * the install add now: the app's scale (or `replicas`) or its autoscaler, placement, the ingress class, the pull secret and the uid;
 * then deletes the app's Ingresses and HPA the release does not render (prune-unrendered.ts).
 * These are never stored in the release record's manifests (a rollback runs where the install
 * says); only the deploy worker holds registry credentials (prepare-release.ts); the uid is the
 * namespace's (render/run-as.ts).
 */
export async function applyRelease(deps: DeployDeps, release: Release, options: { replicas?: number; pick?: (manifests: Manifest[]) => Manifest[] } = {}): Promise<string[]> {
  const { imagePullSecret, runAs } = await prepareRelease(prepareParams(deps, release));
  const deploy = (await deps.apps.find(release.app))?.deploy;
  // The autoscaler is the app's current setting, whatever the release (render/autoscaler.ts).
  const autoscale = deploy?.autoscale;
  const at: ApplyTime = { replicas: options.replicas ?? deploy?.replicas, autoscale, placement: deps.placement, ingressClass: deps.ingressClass, pullSecret: imagePullSecret, runAs };
  const stored = release.manifests as Manifest[];
  // What the whole release renders; a pick applies part of it. An Ingress or HPA it has not goes.
  const rendered = applyTimeManifests(release, stored, at);
  const applied = options.pick ? applyTimeManifests(release, options.pick(stored), at) : rendered;
  const { namespace, kind } = release.config;
  if (autoscale) await handOverReplicas({ kc: deps.kc, namespace, kind, name: release.app, min: autoscale.minReplicas, max: autoscale.maxReplicas });
  await applyManifests(deps.kc, applied);
  return pruneUnrendered({ kc: deps.kc, namespace, app: release.app, rendered });
}

/** Watches a release's workload until it is ready or failed; a watch error is a failed rollout. */
export function watchRelease(deps: DeployDeps, release: Release, startedAt: Date): Promise<Outcome> {
  const { config } = release;
  return watchRollout({
    kc: deps.kc,
    logger: deps.logger,
    target: {
      app: release.app,
      release: release.number,
      workload: workloadName({ app: release.app, release: release.number, config }),
      namespace: config.namespace,
      kind: config.kind,
      startedAt,
      readinessDeadlineSeconds: config.readinessDeadlineSeconds,
      maxRestarts: config.maxRestarts,
    },
  }).catch((error: unknown) => failedOutcome('ClusterUnreachable', error));
}

/**
 * Applies a release's stored manifests and watches them; an apply or watch error is a failed
 * rollout. `pruned`: what the apply deleted as no longer rendered (a rollback records it).
 */
export async function rollOut(deps: DeployDeps, release: Release, startedAt: Date, replacing?: Release): Promise<Outcome & { pruned?: string[] }> {
  let pruned: string[];
  try {
    pruned = await applyRelease(deps, release);
    // A StatefulSet does not replace a pod that never became ready after its template is
    // reverted: "you must also delete any Pods that StatefulSet had already attempted to run
    // with the bad configuration" (Kubernetes docs, StatefulSet "Forced rollback").
    if (replacing && release.config.kind === 'StatefulSet') {
      await deleteReleasePods({ kc: deps.kc, namespace: release.config.namespace, app: release.app, release: replacing.number });
    }
  } catch (error) {
    return failedOutcome('ApplyFailed', error);
  }
  const outcome = await watchRelease(deps, release, startedAt);
  return pruned.length ? { ...outcome, pruned } : outcome;
}
