import { fieldChanges, hideSecretValues, HIDDEN, objectChange, type ServerAnswer } from '../../src/releases/dry-run-diff.js';
import { dryRunObjects } from '../../src/releases/dry-run-objects.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { renderManifests } from '../../src/releases/render/render.js';
import type { Release } from '../../src/store/types.js';

// What a dry run says changes, field by field, from the live object and the server's dry-run
// answer; what it shows of a Secret (never a value); and which objects it asks about, in order.

test.each<[string, unknown, unknown, ReturnType<typeof fieldChanges>]>([
  ['equal objects: nothing', { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, []],
  ['a changed leaf', { spec: { replicas: 1 } }, { spec: { replicas: 3 } }, [{ path: 'spec.replicas', before: '1', after: '3' }]],
  ['a key that is not a word is quoted', { m: { 'slipway.dev/release': '1' } }, { m: { 'slipway.dev/release': '2' } }, [{ path: 'm["slipway.dev/release"]', before: '"1"', after: '"2"' }]],
  ['list items by index', { c: [{ image: 'a' }] }, { c: [{ image: 'b' }] }, [{ path: 'c[0].image', before: '"a"', after: '"b"' }]],
  ['an added item and field have no before', { c: [1] }, { c: [1, 2], d: { x: true } }, [{ path: 'c[1]', after: '2' }, { path: 'd', after: '{"x":true}' }]],
  ['a removed field has no after', { a: 1, b: 2 }, { a: 1 }, [{ path: 'b', before: '2' }]],
  ['a leaf that became an object', { a: 'x' }, { a: { y: 1 } }, [{ path: 'a', before: '"x"', after: '{"y":1}' }]],
  ['whole values that differ at the top', 1, 2, [{ path: '.', before: '1', after: '2' }]],
])('fieldChanges: %s', (_name, before, after, expected) => {
  expect(fieldChanges(before, after)).toEqual(expected);
});

const deployment: Manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3 } };
const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'slipway-registry', namespace: 'shop' }, data: { '.dockerconfigjson': 'bmV3' } };
const server = (extra: Record<string, unknown>) => ({ metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '7', generation: 2, managedFields: [{ manager: 'slipway' }] }, status: { replicas: 1 }, ...extra });

test.each<[string, Manifest, ServerAnswer, ReturnType<typeof objectChange>]>([
  ['no live object: create', deployment, { wouldBe: server({ spec: { replicas: 3 } }) }, { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'create', fields: [] }],
  [
    "the server's bookkeeping and status are no change of ours",
    deployment,
    { live: server({ spec: { replicas: 3 } }), wouldBe: { ...server({ spec: { replicas: 3 } }), metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '8', generation: 3 }, status: {} } },
    { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'unchanged', fields: [] },
  ],
  [
    'a changed field is named',
    deployment,
    { live: server({ spec: { replicas: 1 } }), wouldBe: server({ spec: { replicas: 3 } }) },
    { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'change', fields: [{ path: 'spec.replicas', before: '1', after: '3' }] },
  ],
  [
    "a Secret's changed value is named, never shown",
    secret,
    { live: { kind: 'Secret', data: { '.dockerconfigjson': 'b2xk' } }, wouldBe: { kind: 'Secret', data: { '.dockerconfigjson': 'bmV3' } } },
    { kind: 'Secret', name: 'slipway-registry', namespace: 'shop', action: 'change', fields: [{ path: 'data[".dockerconfigjson"]', before: JSON.stringify(HIDDEN), after: JSON.stringify(HIDDEN) }] },
  ],
  ['created only when absent, and there', deployment, { live: server({}), kept: true }, { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'kept', fields: [], message: 'created only when absent, and it is there' }],
  ['no namespace to ask in', deployment, { noNamespace: true }, { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'unchecked', fields: [], message: 'namespace "shop" does not exist yet: it would be created first' }],
  ['refused by the server', deployment, { refused: 'spec.replicas: Invalid value' }, { kind: 'Deployment', name: 'web', namespace: 'shop', action: 'refused', fields: [], message: 'spec.replicas: Invalid value' }],
])('objectChange: %s', (_name, manifest, answer, expected) => {
  expect(objectChange(manifest, answer)).toEqual(expected);
});

test('hideSecretValues keeps the keys of a Secret and hides every value; other kinds pass as they are', () => {
  expect(hideSecretValues({ kind: 'Secret', data: { a: 'x' }, stringData: { b: 'y' } })).toEqual({ kind: 'Secret', data: { a: HIDDEN }, stringData: { b: HIDDEN } });
  expect(hideSecretValues({ kind: 'ConfigMap', data: { a: 'x' } })).toEqual({ kind: 'ConfigMap', data: { a: 'x' } });
});

test("dryRunObjects: the deploy worker's order, claims and the app's Secret created only when absent (keys only), apply-time additions on the workload", () => {
  const config = { ...defaultDeployConfig('web'), namespace: 'shop', env: { A: '1' }, volumes: [{ name: 'data', size: '1Gi', mountPath: '/data', accessMode: 'ReadWriteOnce' as const }], secret: { version: 'v2', keys: ['TOKEN'] } };
  const manifests = renderManifests({ app: 'web', release: 4, image: 'r/web@sha256:ab', port: 8080, config });
  const release = { app: 'web', number: 4, image: 'r/web@sha256:ab', config, port: 8080, manifests } as unknown as Release;
  const namespace: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
  const objects = dryRunObjects({
    release,
    replicas: 5,
    placement: { nodeSelector: { pool: 'apps' }, tolerations: [] },
    ingressClass: undefined,
    namespace,
    pullSecret: { name: 'slipway-registry', manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'slipway-registry', namespace: 'shop' } } },
    runAs: { runAsUser: 1_000_010_000, fsGroup: 1_000_010_000 },
  });
  expect(objects.map((o) => `${o.how} ${o.manifest.kind}/${o.manifest.metadata.name}`)).toEqual([
    'apply Namespace/shop',
    'apply Secret/slipway-registry',
    'create PersistentVolumeClaim/web-data',
    'create Secret/web-secret-v2',
    ...manifests.map((m) => `apply ${m.kind}/${m.metadata.name}`),
  ]);
  expect(objects[2]!.manifest.metadata.labels).toMatchObject({ 'slipway.dev/created-by-release': '4' });
  expect((objects[3]!.manifest as unknown as { stringData: Record<string, string> }).stringData).toEqual({ TOKEN: HIDDEN });
  const workload = objects.find((o) => o.manifest.kind === 'Deployment')!.manifest as unknown as { spec: { replicas: number; template: { spec: Record<string, unknown> } } };
  expect(workload.spec.replicas).toBe(5);
  expect(workload.spec.template.spec).toMatchObject({
    nodeSelector: { pool: 'apps' },
    imagePullSecrets: [{ name: 'slipway-registry' }],
    securityContext: expect.objectContaining({ runAsUser: 1_000_010_000, fsGroup: 1_000_010_000 }),
  });
});

test("dryRunObjects: an Ingress that names no class gets the install's, as the rollout applies it", () => {
  const config = { ...defaultDeployConfig('web'), namespace: 'shop', host: 'web.example.com' };
  const manifests = renderManifests({ app: 'web', release: 1, image: 'r/web@sha256:ab', port: 8080, config });
  const release = { app: 'web', number: 1, image: 'r/web@sha256:ab', config, port: 8080, manifests } as unknown as Release;
  const ingressOf = (ingressClass: string | undefined) =>
    dryRunObjects({ release, replicas: 1, placement: { nodeSelector: {}, tolerations: [] }, ingressClass }).find((o) => o.manifest.kind === 'Ingress')!.manifest;
  expect((ingressOf('edge').spec as { ingressClassName?: string }).ingressClassName).toBe('edge');
  expect((ingressOf(undefined).spec as { ingressClassName?: string }).ingressClassName).toBeUndefined();
});
