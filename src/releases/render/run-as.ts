import type { Manifest } from './manifest.js';
import { withPodSpec, type PodSpec } from './pod-spec.js';
import type { RunAs } from './uid-range.js';

const isObj = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A release's manifests (or a hook's Job) with every pod running as its namespace's assigned uid
 * (SLIPWAY_ARBITRARY_UIDS, see uid-range.ts): `runAsUser` and `fsGroup` in the pod
 * securityContext, each only where the pod spec leaves it unset — a template's own `runAsUser: 999`
 * wins, as it would have to be allowed by an SCC on OpenShift. Like placement, added at apply time
 * and never stored in the release record: the uid belongs to the namespace, not to the release.
 */
export function withRunAs(manifests: Manifest[], runAs: RunAs | undefined): Manifest[] {
  if (!runAs) return manifests;
  return manifests.map((m) => withPodSpec(m, (spec) => runAsIn(spec, runAs)));
}

function runAsIn(spec: PodSpec, runAs: RunAs): PodSpec {
  const own = isObj(spec.securityContext) ? spec.securityContext : {};
  return { ...spec, securityContext: { runAsUser: runAs.runAsUser, fsGroup: runAs.fsGroup, ...own } };
}
