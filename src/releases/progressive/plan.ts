// Progressive delivery, the deciding half: which strategy a release rolls out with, what its
// sides are called, and how many pods each side runs at a canary step. Pure.
import type { DeployConfig } from '../../store/types.js';

export type Strategy = NonNullable<DeployConfig['strategy']>;
export type ProgressiveType = 'BlueGreen' | 'Canary';

/** What a progressive strategy uses when the app leaves a field out (the schema says so to API users). */
export const PROGRESSIVE_DEFAULTS = { steps: [10, 50, 100], pauseSeconds: 30, scaleDownDelaySeconds: 30 } as const;

/** BlueGreen or Canary when the release rolls out that way; undefined for Rolling and Recreate (and StatefulSets, which keep rolling updates). */
export function progressiveType(config: Pick<DeployConfig, 'kind' | 'strategy'>): ProgressiveType | undefined {
  const type = config.strategy?.type;
  if (config.kind !== 'Deployment') return undefined;
  return type === 'BlueGreen' || type === 'Canary' ? type : undefined;
}

/**
 * The name of a release's workload: one Deployment `<app>` replaced in place (Rolling, Recreate,
 * StatefulSets), or a side of its own, `<app>-r<n>`, beside the current release's.
 */
export function workloadName(params: { app: string; release: number; config: Pick<DeployConfig, 'kind' | 'strategy'> }): string {
  return progressiveType(params.config) ? `${params.app}-r${params.release}` : params.app;
}

/** The Gateway whose router splits a canary's traffic by exact weights, when the strategy names one. */
export function weightedRouter(config: Pick<DeployConfig, 'kind' | 'strategy' | 'service'>): { name: string; namespace?: string } | undefined {
  return progressiveType(config) === 'Canary' && config.service !== false ? config.strategy?.gatewayRef : undefined;
}

/** The Service of one release's pods that a weighted router sends that release's share to. */
export function sideServiceName(app: string, release: number): string {
  return `${app}-r${release}`;
}

/** The Service that shows a blue-green release's pods before the switch. */
export function previewServiceName(app: string): string {
  return `${app}-preview`;
}

/** The preview Ingress host: the strategy's, else `<first label>-preview.<rest>` of the app's host (one wildcard DNS entry serves both). */
export function previewHost(params: { host: string; strategy?: Strategy }): string {
  if (params.strategy?.previewHost) return params.strategy.previewHost;
  const [first, ...rest] = params.host.split('.');
  return [`${first}-preview`, ...rest].join('.');
}

/** A canary's steps (percent of traffic), rising and ending at 100. */
export function canarySteps(strategy?: Strategy): number[] {
  const steps = strategy?.steps ?? [...PROGRESSIVE_DEFAULTS.steps];
  return steps.at(-1) === 100 ? steps : [...steps, 100];
}

export interface SideReplicas {
  canary: number;
  stable: number;
  /** The canary's share of the pods, so of the traffic a Service spreads over them (percent, rounded). */
  share: number;
}

/**
 * The pods of each side at a canary step of `weight` percent, with `total` the app's scale.
 * Without a traffic router the share is the replica ratio, as Argo Rollouts does without a mesh:
 * the canary gets round(total × weight), at least 1, and the stable side the rest, at least 1
 * until the last step, so the stable release always keeps serving. With few replicas the share
 * is coarse (1 replica: 50% at every step before the last); `share` says what it really is.
 */
export function sideReplicas(params: { total: number; weight: number }): SideReplicas {
  const { total, weight } = params;
  if (total === 0) return { canary: 0, stable: 0, share: weight };
  if (weight >= 100) return { canary: total, stable: 0, share: 100 };
  const canary = Math.max(1, Math.min(total, Math.round((total * weight) / 100)));
  const stable = Math.max(1, total - canary);
  return { canary, stable, share: Math.round((canary * 100) / (canary + stable)) };
}
