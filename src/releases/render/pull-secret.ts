import { LABELS } from './labels.js';
import type { Manifest } from './manifest.js';

/** The registry pull secret Slipway keeps in every app namespace (issue 15). */
export const PULL_SECRET_NAME = 'slipway-registry';

export interface RegistryCredentials {
  /** `host[:port][/namespace]`, as SLIPWAY_REGISTRY. */
  host: string;
  username?: string;
  password?: string;
}

/** `host[:port]` of a registry reference: what a docker config's `auths` is keyed by. */
export function registryServer(host: string): string {
  return host.split('/')[0]!;
}

/**
 * The `kubernetes.io/dockerconfigjson` Secret the kubelet pulls release images with, or nothing
 * when Slipway has no registry credentials (an anonymous registry, or node credentials).
 * Applied on every release, so a changed password in the config rotates it.
 */
export function renderPullSecret(params: { namespace: string; registry: RegistryCredentials }): Manifest | undefined {
  const { username, password } = params.registry;
  if (!username || !password) return undefined;
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const dockerConfig = { auths: { [registryServer(params.registry.host)]: { username, password, auth } } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    // Shared by every app of the namespace: labelled as Slipway's, not as one app's.
    metadata: { name: PULL_SECRET_NAME, namespace: params.namespace, labels: { [LABELS.managedBy]: 'slipway', [LABELS.config]: 'registry' } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString('base64') },
  };
}

type PodSpec = Record<string, unknown> & { imagePullSecrets?: Array<{ name?: string }> };

/** A pod spec that also pulls with `secret`; entries it already has (a template's own) are kept. */
export function withPullSecretSpec<T extends Record<string, unknown>>(spec: T, secret: string | undefined): T {
  if (!secret) return spec;
  const existing = (spec as PodSpec).imagePullSecrets ?? [];
  if (existing.some((s) => s.name === secret)) return spec;
  return { ...spec, imagePullSecrets: [...existing, { name: secret }] };
}

/**
 * A release's manifests with the pull secret on the workload's pod template. Added when the
 * deploy worker applies them, not when the release is recorded: the API records releases and
 * holds no registry credentials, and only the deploy worker knows whether a pull secret exists
 * (as with the app's scale, see withReplicas).
 */
export function withPullSecret(manifests: Manifest[], secret: string | undefined): Manifest[] {
  if (!secret) return manifests;
  return manifests.map((m) => {
    if (m.kind !== 'Deployment' && m.kind !== 'StatefulSet') return m;
    const spec = m.spec as Record<string, unknown> & { template: { spec: Record<string, unknown> } };
    return { ...m, spec: { ...spec, template: { ...spec.template, spec: withPullSecretSpec(spec.template.spec, secret) } } };
  });
}
