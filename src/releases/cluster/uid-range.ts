import { CoreV1Api, PatchStrategy, type KubeConfig, type KubernetesObject, type V1Namespace } from '@kubernetes/client-node';
import { SlipwayError } from '../../errors.js';
import { objectApi } from '../../services/kube-config.js';
import {
  claimVerdict,
  namespaceRunAs,
  formatUidRange,
  freeUidRange,
  parseUidRange,
  takenRanges,
  UID_RANGE_ANNOTATION,
  UID_RANGE_CLAIM_ANNOTATION,
  type NamespaceAnnotations,
  type RunAs,
} from '../render/uid-range.js';

/**
 * Its own field manager, and merge patches rather than apply: the labels Slipway applies to a
 * namespace (apply.ts) never list these annotations, and an apply by the same manager would drop them.
 */
const UID_FIELD_MANAGER = 'slipway-uid-range';
const ATTEMPTS = 40;
/** A claim of a namespace that sorts later is waited on this many times, then given up as stale. */
const WAITS_ON_ONE_CLAIM = 8;
const WAIT_MS = 250;

/**
 * What the pods of a namespace run as (SLIPWAY_ARBITRARY_UIDS), from its uid range, assigned on
 * first use: an assigned range (OpenShift's or Slipway's annotation) is used as it is, never changed.
 * Otherwise the lowest free block of UID_BLOCKS is claimed (`slipway.dev/uid-range-claim`), the
 * namespaces are listed again, and the claim becomes `slipway.dev/uid-range` only when no other
 * namespace holds or claims an overlapping range (claimVerdict). Every write carries the
 * resourceVersion read, so two workers on one namespace never both write. Needs `list` and
 * `patch` on namespaces: the rights of an install that creates them. API errors other than a
 * conflict are thrown as they come (the caller, apply.ts, words them).
 */
export async function ensureRunAs(params: { kc: KubeConfig; namespace: string }): Promise<RunAs> {
  const { kc, namespace } = params;
  const core = kc.makeApiClient(CoreV1Api);
  let waits = 0;
  let waitingOn: string | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const ns = await core.readNamespace({ name: namespace });
    const runAs = namespaceRunAs(ns.metadata?.annotations);
    if (runAs) return runAs;
    const claim = parseUidRange(ns.metadata?.annotations?.[UID_RANGE_CLAIM_ANNOTATION]);
    if (!claim) {
      const free = freeUidRange(takenRanges(await listAnnotations(kc), namespace));
      if (!free) throw new SlipwayError('DEPLOY_APPLY_FAILED', `no free uid range is left for namespace "${namespace}": every block of 1000000000-1999999999 is taken`, { namespace });
      // Written, then read back on the next round: judged from there.
      await annotate(kc, ns, { [UID_RANGE_CLAIM_ANNOTATION]: formatUidRange(free) });
      continue;
    }
    // Judged on a list read after the claim was written (see claimVerdict). Every write below
    // carries the resourceVersion read BEFORE that list: it lands only if nothing changed on this
    // namespace meanwhile (another worker's retraction, say), else the next round judges again.
    const judged = claimVerdict({ namespace, claim, others: await listAnnotations(kc) });
    if (judged.verdict === 'assign') {
      const assigned = { [UID_RANGE_ANNOTATION]: formatUidRange(claim) };
      if (await annotate(kc, ns, { ...assigned, [UID_RANGE_CLAIM_ANNOTATION]: null })) return namespaceRunAs(assigned)!;
      continue;
    }
    if (judged.verdict === 'wait') {
      waits = waitingOn === judged.on ? waits + 1 : 1;
      waitingOn = judged.on;
      if (waits <= WAITS_ON_ONE_CLAIM) {
        await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
        continue;
      }
    }
    // Someone else's range, an earlier name's claim, or a claim that never went away: claim anew.
    await annotate(kc, ns, { [UID_RANGE_CLAIM_ANNOTATION]: null });
    waits = 0;
    waitingOn = undefined;
  }
  throw new SlipwayError('DEPLOY_APPLY_FAILED', `no uid range could be assigned to namespace "${namespace}" after ${ATTEMPTS} attempts: other namespaces kept claiming the same ranges`, { namespace });
}

/** Name and annotations of every namespace. */
async function listAnnotations(kc: KubeConfig): Promise<NamespaceAnnotations[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespace();
  return list.items.map((ns) => ({ name: ns.metadata!.name!, ...(ns.metadata?.annotations ? { annotations: ns.metadata.annotations } : {}) }));
}

/**
 * Merge-patches annotations (null removes one) if the namespace is still at the resourceVersion
 * `ns` was read at; false when it changed meanwhile (409).
 */
async function annotate(kc: KubeConfig, ns: V1Namespace, annotations: Record<string, string | null>): Promise<boolean> {
  const name = ns.metadata!.name!;
  const patch = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: ns.metadata?.resourceVersion, annotations } };
  try {
    await objectApi(kc).patch(patch as KubernetesObject, undefined, undefined, UID_FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 409) return false;
    throw error;
  }
}
