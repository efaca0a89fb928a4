import type { PodPlacement } from '../../config.js';
import type { Manifest } from './manifest.js';
import { withPodSpec } from './pod-spec.js';

type PodSpec = Record<string, unknown> & { nodeSelector?: Record<string, string>; tolerations?: unknown[] };

/**
 * A release's manifests (or a hook's Job) with the install's pod placement added to every pod
 * spec: the node selector merged over the pod's own (the install's wins on a shared key, as
 * OpenShift's project default node selector does), the tolerations appended unless already
 * there. Placement is install config, not part of a release: it is not in the release record's
 * manifests, and applies to whatever is applied now, rollbacks included — so a release recorded
 * before the setting changed runs where the install now says.
 */
export function withPlacement(manifests: Manifest[], placement: PodPlacement): Manifest[] {
  if (!Object.keys(placement.nodeSelector).length && !placement.tolerations.length) return manifests;
  return manifests.map((m) => withPodSpec(m, (spec) => place(spec as PodSpec, placement)));
}

function place(spec: PodSpec, placement: PodPlacement): PodSpec {
  const nodeSelector = { ...spec.nodeSelector, ...placement.nodeSelector };
  const own = spec.tolerations ?? [];
  const added = placement.tolerations.filter((t) => !own.some((o) => sameToleration(o, t)));
  return {
    ...spec,
    ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
    ...(own.length || added.length ? { tolerations: [...own, ...added] } : {}),
  };
}

function sameToleration(a: unknown, b: PodPlacement['tolerations'][number]): boolean {
  const t = a as Record<string, unknown>;
  return t.key === b.key && (t.operator ?? 'Equal') === b.operator && t.value === b.value && t.effect === b.effect;
}
