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

/** The labels the pull secret carries, and what finds Slipway's pull secrets again (refreshPullSecrets). */
export const PULL_SECRET_LABELS = { [LABELS.managedBy]: 'slipway', [LABELS.config]: 'registry' } as const;

/**
 * The `kubernetes.io/dockerconfigjson` Secret the kubelet pulls release images with, or nothing
 * when Slipway has no registry credentials (an anonymous registry, or node credentials).
 * Applied on every release, and to every namespace by each deploy worker as it starts
 * (refreshPullSecrets), so a changed password in the config reaches idle apps too.
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
    metadata: { name: PULL_SECRET_NAME, namespace: params.namespace, labels: { ...PULL_SECRET_LABELS } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString('base64') },
  };
}

/**
 * What to do with a pull secret found in the cluster, given the one the configured credentials
 * render (pure; refreshPullSecrets asks it for each). `stale`: the same registry with other
 * credentials (the password changed), so it is applied again. `foreign`: not a docker config for
 * exactly this registry (another install's, or a user's own Secret of the same name and labels),
 * so it is left alone. `current`: nothing to do.
 */
export function pullSecretVerdict(live: { type?: string; data?: Record<string, string> }, desired: Manifest): 'current' | 'stale' | 'foreign' {
  const want = (desired.data as Record<string, string>)['.dockerconfigjson']!;
  const have = live.data?.['.dockerconfigjson'];
  if (live.type !== 'kubernetes.io/dockerconfigjson' || !have) return 'foreign';
  if (have === want) return 'current';
  const servers = (encoded: string): string[] | undefined => {
    try {
      const parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths?: Record<string, unknown> };
      return parsed.auths && typeof parsed.auths === 'object' ? Object.keys(parsed.auths).sort() : undefined;
    } catch {
      return undefined;
    }
  };
  const liveServers = servers(have);
  return liveServers && liveServers.join(' ') === servers(want)!.join(' ') ? 'stale' : 'foreign';
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
