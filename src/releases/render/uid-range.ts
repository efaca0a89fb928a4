// Uid ranges of app namespaces, as OpenShift gives them (issue 15). OpenShift's namespace
// controller annotates every project with a block of uids (`openshift.io/sa.scc.uid-range:
// 1000680000/10000`), and its restricted-v2 SCC runs the project's pods as the block's first uid
// with group 0. With SLIPWAY_ARBITRARY_UIDS Slipway does the same for the namespaces it manages,
// under an annotation of its own, so every image it builds is proven to run under a uid nobody
// chose for it. Pure: the claiming against the API server is in ../cluster/uid-range.ts.

/** Slipway's range of a namespace: `<first>/<size>`, written once and never changed. */
export const UID_RANGE_ANNOTATION = 'slipway.dev/uid-range';
/** A range being claimed (see claimVerdict): counts as taken for other namespaces, never used for pods. */
export const UID_RANGE_CLAIM_ANNOTATION = 'slipway.dev/uid-range-claim';
/** OpenShift's range of a project; honoured when a namespace has one. */
export const OPENSHIFT_UID_RANGE_ANNOTATION = 'openshift.io/sa.scc.uid-range';
/** OpenShift's fsGroup source (restricted-v2: fsGroup MustRunAs, first of this block, else of the uid range). */
export const OPENSHIFT_SUPPLEMENTAL_GROUPS_ANNOTATION = 'openshift.io/sa.scc.supplemental-groups';

/** OpenShift's default allocation: uids 1000000000-1999999999 in blocks of 10000. */
export const UID_BLOCKS = { first: 1_000_000_000, size: 10_000, count: 100_000 } as const;

const MAX_ID = 2 ** 31 - 1;

export interface UidRange {
  first: number;
  size: number;
}

/** What the pods of a namespace run as: the pod securityContext fields Slipway fills in. */
export interface RunAs {
  runAsUser: number;
  fsGroup: number;
}

export interface NamespaceAnnotations {
  name: string;
  annotations?: Record<string, string>;
}

/**
 * `<first>/<size>` or `<first>-<last>` (OpenShift's block syntax); for a list (supplemental groups
 * may hold several blocks, comma-separated) the first block. Uid 0 is never part of a range.
 */
export function parseUidRange(value: string | undefined): UidRange | undefined {
  const block = value?.split(',')[0]?.trim();
  const match = block ? /^(\d{1,10})(?:\/(\d{1,10})|-(\d{1,10}))$/.exec(block) : null;
  if (!match) return undefined;
  const first = Number(match[1]);
  const size = match[2] !== undefined ? Number(match[2]) : Number(match[3]) - first + 1;
  if (first < 1 || size < 1 || first + size - 1 > MAX_ID) return undefined;
  return { first, size };
}

export function formatUidRange(range: UidRange): string {
  return `${range.first}/${range.size}`;
}

/**
 * The namespace's assigned range: OpenShift's when it has one (on OpenShift the SCC admission
 * enforces it anyway), else Slipway's. A claim is not an assignment.
 */
export function assignedRange(annotations: Record<string, string> = {}): UidRange | undefined {
  return parseUidRange(annotations[OPENSHIFT_UID_RANGE_ANNOTATION]) ?? parseUidRange(annotations[UID_RANGE_ANNOTATION]);
}

/**
 * What pods of a namespace run as, as restricted-v2 decides it: runAsUser the first uid of the
 * range; fsGroup the first id of the supplemental-groups block, else the first uid. No runAsGroup:
 * OpenShift sets none, and a uid the image's /etc/passwd does not know gets group 0 from the runtime.
 */
export function namespaceRunAs(annotations: Record<string, string> = {}): RunAs | undefined {
  const range = assignedRange(annotations);
  if (!range) return undefined;
  const groups = annotations[OPENSHIFT_UID_RANGE_ANNOTATION] ? parseUidRange(annotations[OPENSHIFT_SUPPLEMENTAL_GROUPS_ANNOTATION]) : undefined;
  return { runAsUser: range.first, fsGroup: (groups ?? range).first };
}

/** Every range other namespaces hold or are claiming. */
export function takenRanges(namespaces: NamespaceAnnotations[], except: string): UidRange[] {
  return namespaces
    .filter((ns) => ns.name !== except)
    .flatMap((ns) => [OPENSHIFT_UID_RANGE_ANNOTATION, UID_RANGE_ANNOTATION, UID_RANGE_CLAIM_ANNOTATION].map((key) => parseUidRange(ns.annotations?.[key])))
    .filter((r): r is UidRange => r !== undefined);
}

/** The lowest block of UID_BLOCKS that overlaps none of `taken`, or undefined when all are taken. */
export function freeUidRange(taken: UidRange[]): UidRange | undefined {
  const { first, size, count } = UID_BLOCKS;
  // Each taken range blocks the blocks it touches: [lo, hi] in block numbers, sorted.
  const blocked = taken
    .map((r) => [Math.floor((r.first - first) / size), Math.floor((r.first + r.size - 1 - first) / size)] as const)
    .filter(([lo, hi]) => hi >= 0 && lo < count)
    .sort((a, b) => a[0] - b[0]);
  let k = 0;
  for (const [lo, hi] of blocked) {
    if (lo > k) break;
    k = Math.max(k, hi + 1);
  }
  return k < count ? { first: first + k * size, size } : undefined;
}

export type ClaimVerdict = { verdict: 'assign' } | { verdict: 'wait'; on: string } | { verdict: 'retract'; to: string };

/**
 * Whether `namespace`'s claim on `claim` may become its range, judged on a list of namespaces
 * read AFTER the claim was written:
 * - another namespace holds an overlapping range → retract (it was assigned first);
 * - another claims an overlapping range and sorts before `namespace` → retract (the earlier name wins);
 * - another claims one and sorts after → wait (it retracts when it sees this claim, or is stale);
 * - nobody else → assign.
 * Safe under any interleaving: a claim stays on its namespace from its write until it is assigned,
 * so of two overlapping claims the one written later is seen by its own namespace's list.
 */
export function claimVerdict(params: { namespace: string; claim: UidRange; others: NamespaceAnnotations[] }): ClaimVerdict {
  const { namespace, claim } = params;
  const others = params.others.filter((ns) => ns.name !== namespace);
  const overlaps = (value: string | undefined) => {
    const r = parseUidRange(value);
    return r !== undefined && r.first < claim.first + claim.size && claim.first < r.first + r.size;
  };
  const holder = others.find((ns) => overlaps(ns.annotations?.[OPENSHIFT_UID_RANGE_ANNOTATION]) || overlaps(ns.annotations?.[UID_RANGE_ANNOTATION]));
  if (holder) return { verdict: 'retract', to: holder.name };
  const claimants = others.filter((ns) => overlaps(ns.annotations?.[UID_RANGE_CLAIM_ANNOTATION])).map((ns) => ns.name).sort();
  const earlier = claimants.find((name) => name < namespace);
  if (earlier) return { verdict: 'retract', to: earlier };
  if (claimants.length) return { verdict: 'wait', on: claimants[0]! };
  return { verdict: 'assign' };
}
