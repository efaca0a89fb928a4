import {
  assignedRange,
  claimVerdict,
  freeUidRange,
  namespaceRunAs,
  parseUidRange,
  takenRanges,
  UID_BLOCKS,
  type ClaimVerdict,
  type NamespaceAnnotations,
  type RunAs,
  type UidRange,
} from '../../src/releases/render/uid-range.js';

const OS_UIDS = 'openshift.io/sa.scc.uid-range';
const OS_GROUPS = 'openshift.io/sa.scc.supplemental-groups';
const RANGE = 'slipway.dev/uid-range';
const CLAIM = 'slipway.dev/uid-range-claim';
const block = (k: number): UidRange => ({ first: 1_000_000_000 + k * 10_000, size: 10_000 });
const text = (k: number) => `${block(k).first}/10000`;

describe('parseUidRange', () => {
  test.each<[string, string | undefined, UidRange | undefined]>([
    ['OpenShift\'s first/size', '1000680000/10000', { first: 1000680000, size: 10000 }],
    ['first-last', '1000680000-1000689999', { first: 1000680000, size: 10000 }],
    ['a list of blocks: the first', '1000680000/10000,1000700000/10000', { first: 1000680000, size: 10000 }],
    ['spaces around a block', ' 5000/10 ', { first: 5000, size: 10 }],
    ['a single uid', '2000/1', { first: 2000, size: 1 }],
    ['uid 0 is never in a range', '0/10000', undefined],
    ['size 0', '1000/0', undefined],
    ['last before first', '2000-1000', undefined],
    ['past the largest uid', '2147483000/10000', undefined],
    ['a negative number', '-5/10', undefined],
    ['not a block', 'a lot', undefined],
    ['empty', '', undefined],
    ['absent', undefined, undefined],
  ])('%s', (_name, value, expected) => {
    expect(parseUidRange(value)).toEqual(expected);
  });
});

describe('namespaceRunAs: what restricted-v2 gives a namespace\'s pods', () => {
  test.each<[string, Record<string, string> | undefined, RunAs | undefined]>([
    ['Slipway\'s range: its first uid, fsGroup the same', { [RANGE]: text(3) }, { runAsUser: block(3).first, fsGroup: block(3).first }],
    ['OpenShift\'s range and supplemental groups', { [OS_UIDS]: '1000680000/10000', [OS_GROUPS]: '1000690000/10000' }, { runAsUser: 1000680000, fsGroup: 1000690000 }],
    ['OpenShift\'s range without supplemental groups: fsGroup from the uid range', { [OS_UIDS]: '1000680000/10000' }, { runAsUser: 1000680000, fsGroup: 1000680000 }],
    ['both: OpenShift\'s wins (its admission enforces it anyway)', { [OS_UIDS]: '1000680000/10000', [RANGE]: text(0) }, { runAsUser: 1000680000, fsGroup: 1000680000 }],
    ['OpenShift\'s supplemental groups alone do not pair with Slipway\'s range', { [RANGE]: text(1), [OS_GROUPS]: '1000690000/10000' }, { runAsUser: block(1).first, fsGroup: block(1).first }],
    ['a claim is not an assignment', { [CLAIM]: text(2) }, undefined],
    ['a malformed range is none', { [RANGE]: 'soon' }, undefined],
    ['no annotations', undefined, undefined],
  ])('%s', (_name, annotations, expected) => {
    expect(namespaceRunAs(annotations)).toEqual(expected);
    expect(assignedRange(annotations)?.first).toBe(expected?.runAsUser);
  });
});

describe('takenRanges', () => {
  test('assigned, OpenShift\'s and claimed ranges of every other namespace; malformed ones and its own left out', () => {
    const namespaces: NamespaceAnnotations[] = [
      { name: 'self', annotations: { [RANGE]: text(9), [CLAIM]: text(8) } },
      { name: 'a', annotations: { [RANGE]: text(0) } },
      { name: 'b', annotations: { [OS_UIDS]: text(1), [CLAIM]: text(2) } },
      { name: 'c', annotations: { [RANGE]: 'junk', 'other/annotation': '3/4' } },
      { name: 'd' },
    ];
    expect(takenRanges(namespaces, 'self')).toEqual([block(0), block(1), block(2)]);
  });
});

describe('freeUidRange: the lowest free block of 1000000000-1999999999 in 10000s', () => {
  test.each<[string, UidRange[], UidRange | undefined]>([
    ['none taken: the first block', [], block(0)],
    ['the first two taken', [block(0), block(1)], block(2)],
    ['a gap is filled first', [block(0), block(2)], block(1)],
    ['taken out of order', [block(2), block(0), block(1)], block(3)],
    ['a range that straddles two blocks takes both', [{ first: block(0).first + 5000, size: 10_000 }], block(2)],
    ['a range inside a block takes it', [{ first: block(0).first + 17, size: 3 }], block(1)],
    ['ranges outside the blocks do not count', [{ first: 1000, size: 10_000 }, { first: 2_000_000_000, size: 10 }], block(0)],
    ['one wide range over the start', [{ first: 1, size: 1_000_049_999 }], block(5)],
    ['every block taken', [{ first: UID_BLOCKS.first, size: UID_BLOCKS.size * UID_BLOCKS.count }], undefined],
    ['every block but the last', [{ first: UID_BLOCKS.first, size: UID_BLOCKS.size * (UID_BLOCKS.count - 1) }], block(UID_BLOCKS.count - 1)],
  ])('%s', (_name, taken, expected) => {
    expect(freeUidRange(taken)).toEqual(expected);
  });
});

describe('claimVerdict: a claim becomes a namespace\'s range only when nobody else holds or claims it', () => {
  const claim = block(4);
  test.each<[string, NamespaceAnnotations[], ClaimVerdict]>([
    ['nobody else: assign', [{ name: 'a', annotations: { [RANGE]: text(0) } }, { name: 'z' }], { verdict: 'assign' }],
    ['its own namespace in the list does not count', [{ name: 'm', annotations: { [CLAIM]: text(4) } }], { verdict: 'assign' }],
    ['another holds it: retract', [{ name: 'z', annotations: { [RANGE]: text(4) } }], { verdict: 'retract', to: 'z' }],
    ['OpenShift gave it to another: retract', [{ name: 'z', annotations: { [OS_UIDS]: `${block(4).first + 100}/10` } }], { verdict: 'retract', to: 'z' }],
    ['an earlier name claims it: retract', [{ name: 'a', annotations: { [CLAIM]: text(4) } }], { verdict: 'retract', to: 'a' }],
    ['a later name claims it: wait for it to retract', [{ name: 'z', annotations: { [CLAIM]: text(4) } }], { verdict: 'wait', on: 'z' }],
    ['an earlier and a later claimant: retract', [{ name: 'z', annotations: { [CLAIM]: text(4) } }, { name: 'b', annotations: { [CLAIM]: text(4) } }], { verdict: 'retract', to: 'b' }],
    ['a holder beats a later claimant', [{ name: 'z', annotations: { [CLAIM]: text(4) } }, { name: 'y', annotations: { [RANGE]: text(4) } }], { verdict: 'retract', to: 'y' }],
    ['claims and ranges of other blocks do not matter', [{ name: 'a', annotations: { [CLAIM]: text(3), [RANGE]: text(5) } }], { verdict: 'assign' }],
    ['an overlapping claim of another size counts', [{ name: 'a', annotations: { [CLAIM]: `${block(3).first}/20000` } }], { verdict: 'retract', to: 'a' }],
  ])('%s', (_name, others, expected) => {
    expect(claimVerdict({ namespace: 'm', claim, others })).toEqual(expected);
  });

  test('of two namespaces that claimed the same block, at most one may take it, whatever each saw', () => {
    // Each side judged on a list that shows the other's claim, or (written later) does not.
    const a = { name: 'a', annotations: { [CLAIM]: text(4) } };
    const b = { name: 'b', annotations: { [CLAIM]: text(4) } };
    const both = [claimVerdict({ namespace: 'a', claim, others: [b] }), claimVerdict({ namespace: 'b', claim, others: [a] })];
    expect(both).toEqual([{ verdict: 'wait', on: 'b' }, { verdict: 'retract', to: 'a' }]);
  });
});
