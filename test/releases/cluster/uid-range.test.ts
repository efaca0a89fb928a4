// @runs-alone: it expects the lowest free uid block, and arbitrary-uid takes blocks.
import { randomUUID } from 'node:crypto';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import { SlipwayError } from '../../../src/errors.js';
import { ensureNamespace } from '../../../src/releases/cluster/apply.js';
import { freeUidRange, takenRanges, type UidRange } from '../../../src/releases/render/uid-range.js';
import { deleteNamespace, testKubeConfig } from '../../helpers/cluster.js';

// The namespace half of SLIPWAY_ARBITRARY_UIDS against the real API server of test/env/k8s:
// ensureNamespace gives a namespace a uid range once, keeps it, never hands one block to two
// namespaces, honours OpenShift's annotations, and recovers from claims left half-way.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const RANGE = 'slipway.dev/uid-range';
const CLAIM = 'slipway.dev/uid-range-claim';
const run = randomUUID().slice(0, 6);
const names: string[] = [];
/** A namespace name of this run, deleted after the suite. */
const ns = (what: string) => {
  const name = `uid-${run}-${what}`;
  names.push(name);
  return name;
};
const managed = (namespace: string) => ensureNamespace({ kc, namespace, app: namespace, manage: true, rules: {}, arbitraryUids: true });
const read = (name: string): Promise<V1Namespace> => core.readNamespace({ name });
const text = (r: UidRange) => `${r.first}/${r.size}`;
const parse = (value: string | undefined): UidRange => {
  const [first, size] = (value ?? '').split('/').map(Number);
  return { first: first!, size: size! };
};
const overlap = (a: UidRange, b: UidRange) => a.first < b.first + b.size && b.first < a.first + a.size;

/** The block ensureRunAs would pick now, for staging claims on it. */
async function nextFree(): Promise<UidRange> {
  const list = await core.listNamespace();
  return freeUidRange(takenRanges(list.items.map((n) => ({ name: n.metadata!.name!, annotations: n.metadata?.annotations ?? {} })), ''))!;
}

async function create(name: string, annotations: Record<string, string> = {}): Promise<void> {
  await core.createNamespace({ body: { metadata: { name, annotations } } });
}

afterAll(async () => {
  for (const name of names) await deleteNamespace(kc, name);
});

test('a namespace Slipway creates gets a range of 10000 uids at or above 1000000000, and its pods that range\'s first uid', async () => {
  const name = ns('new');
  const { runAs } = await managed(name);
  const namespace = await read(name);
  const range = parse(namespace.metadata!.annotations![RANGE]);
  expect(range.size).toBe(10_000);
  expect(range.first).toBeGreaterThanOrEqual(1_000_000_000);
  expect(range.first + range.size - 1).toBeLessThanOrEqual(1_999_999_999);
  expect((range.first - 1_000_000_000) % 10_000).toBe(0);
  expect(runAs).toEqual({ runAsUser: range.first, fsGroup: range.first });
  // Labelled as Slipway's (Pod Security restricted) as before; the claim is gone.
  expect(namespace.metadata!.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'slipway', 'pod-security.kubernetes.io/enforce': 'restricted' });
  expect(namespace.metadata!.annotations![CLAIM]).toBeUndefined();
});

test('the range stays: later deploys re-apply the labels and get the same uid, even when another range is free lower down', async () => {
  const name = ns('keep');
  const first = await managed(name);
  const before = (await read(name)).metadata!.annotations![RANGE];
  for (let i = 0; i < 3; i++) expect(await managed(name)).toEqual(first);
  expect((await read(name)).metadata!.annotations![RANGE]).toBe(before);
});

test('without the setting nothing is assigned or read', async () => {
  const name = ns('off');
  expect(await ensureNamespace({ kc, namespace: name, app: name, manage: true, rules: {} })).toEqual({});
  expect((await read(name)).metadata?.annotations?.[RANGE]).toBeUndefined();
});

test('namespaces made at the same time never share a block', async () => {
  const batch = Array.from({ length: 6 }, (_, i) => ns(`many-${i}`));
  const answers = await Promise.all(batch.map((name) => managed(name)));
  const ranges = await Promise.all(batch.map(async (name) => parse((await read(name)).metadata!.annotations![RANGE])));
  expect(answers.map((a) => a.runAs!.runAsUser)).toEqual(ranges.map((r) => r.first));
  expect(new Set(ranges.map((r) => r.first)).size).toBe(batch.length);
  // Nor with any other namespace of the cluster.
  const all = (await core.listNamespace()).items;
  for (const [i, name] of batch.entries()) {
    const others = all.filter((n) => n.metadata!.name !== name && n.metadata?.annotations?.[RANGE]).map((n) => parse(n.metadata!.annotations![RANGE]));
    expect(others.filter((r) => overlap(r, ranges[i]!))).toEqual([]);
  }
}, 60_000);

test('OpenShift\'s annotations are honoured as they are: its range, fsGroup from its supplemental groups, nothing of Slipway\'s added', async () => {
  const name = ns('openshift');
  await create(name, { 'openshift.io/sa.scc.uid-range': '1000680000/10000', 'openshift.io/sa.scc.supplemental-groups': '1000690000/10000' });
  expect(await managed(name)).toEqual({ runAs: { runAsUser: 1000680000, fsGroup: 1000690000 } });
  expect((await read(name)).metadata!.annotations![RANGE]).toBeUndefined();
});

test('a namespace someone else made keeps its labels and gets a range too (Slipway may patch namespaces when it manages them)', async () => {
  const name = ns('foreign');
  await create(name);
  const { runAs } = await managed(name);
  const namespace = await read(name);
  expect(runAs!.runAsUser).toBe(parse(namespace.metadata!.annotations![RANGE]).first);
  expect(namespace.metadata!.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
});

describe('claims left half-way (a worker that died, a race lost)', () => {
  test('another namespace\'s claim counts as taken: the block is not picked', async () => {
    const held = await nextFree();
    const claimant = ns('z-claimant');
    await create(claimant, { [CLAIM]: text(held) });
    const name = ns('a-picker');
    const { runAs } = await managed(name);
    expect(runAs!.runAsUser).not.toBe(held.first);
  });

  test('its own claim is finished when nobody else wants the block', async () => {
    const free = await nextFree();
    const name = ns('own-claim');
    await create(name, { [CLAIM]: text(free) });
    expect((await managed(name)).runAs!.runAsUser).toBe(free.first);
    const annotations = (await read(name)).metadata!.annotations!;
    expect(annotations[RANGE]).toBe(text(free));
    expect(annotations[CLAIM]).toBeUndefined();
  });

  test.each([
    ['another namespace holds the block', 'holder', RANGE],
    ['an earlier name claims the block too', 'a-earlier', CLAIM],
    ['a later name claims it and never lets go (waited on, then given up)', 'z-stale', CLAIM],
  ])('%s: its own claim is retracted and another block assigned', async (_what, other, key) => {
    const block = await nextFree();
    // Names sort by the part after the run id: `m-…` sits between `a-…` and `z-…`.
    const name = ns(`m-${other}`);
    await create(ns(other), { [key]: text(block) });
    await create(name, { [CLAIM]: text(block) });
    const { runAs } = await managed(name);
    expect(runAs!.runAsUser).not.toBe(block.first);
    const annotations = (await read(name)).metadata!.annotations!;
    expect(parse(annotations[RANGE]).first).toBe(runAs!.runAsUser);
    expect(annotations[CLAIM]).toBeUndefined();
  }, 30_000);
});

describe('namespaces Slipway does not manage (SLIPWAY_MANAGE_NAMESPACES=false)', () => {
  const unmanaged = (namespace: string) => ensureNamespace({ kc, namespace, app: namespace, manage: false, rules: {}, arbitraryUids: true });

  test('an admin\'s range is used as it is', async () => {
    const name = ns('admin');
    await create(name, { [RANGE]: '1500000000/10000' });
    expect(await unmanaged(name)).toEqual({ runAs: { runAsUser: 1_500_000_000, fsGroup: 1_500_000_000 } });
  });

  test('without one, nothing runs under the image\'s own uid: the deploy stops with what to do', async () => {
    const name = ns('bare');
    await create(name);
    const error = await unmanaged(name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect(error).toMatchObject({ code: 'DEPLOY_APPLY_FAILED', message: expect.stringMatching(/no uid range.*slipway\.dev\/uid-range/) });
    // Nothing written: Slipway only reads namespaces it does not manage.
    expect((await read(name)).metadata?.annotations?.[RANGE]).toBeUndefined();
  });
});
