import { renderManifests } from '../../../src/releases/render/render.js';
import { objectsToPrune, type LiveObject } from '../../../src/releases/rollback/prune-choice.js';
import { defaultDeployConfig } from '../../../src/store/deploy-config.js';
import type { DeployConfig, Release } from '../../../src/store/types.js';

const image = '127.0.0.1:5000/web@sha256:' + 'a'.repeat(64);
const volume = { name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' as const };
function release(number: number, change: Partial<DeployConfig> = {}): Release {
  const config = { ...defaultDeployConfig('web'), ...change };
  return { app: 'web', number, config, port: 8080, manifests: renderManifests({ app: 'web', release: number, image, port: 8080, config }) } as unknown as Release;
}
const app = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/managed-by': 'slipway' };
const object = (kind: string, name: string, labels: Record<string, string>, namespace = 'web'): LiveObject => ({ kind, name, namespace, labels: { ...app, ...labels } });
const names = (objects: LiveObject[]) => objects.map((o) => `${o.kind} ${o.name}`);

describe('objectsToPrune (release 5 failed, release 4 restored)', () => {
  test.each<[string, Partial<DeployConfig>, Partial<DeployConfig>, LiveObject[], string[]]>([
    ['an Ingress only the failed release had', { host: 'www.x.test' }, {}, [object('Ingress', 'web', { 'slipway.dev/release': '5' })], ['Ingress web']],
    ['an Ingress the restored release renders too (not re-labelled yet): kept', { host: 'a.test' }, { host: 'b.test' }, [object('Ingress', 'web', { 'slipway.dev/release': '5' })], []],
    ['the objects the restore re-applied carry its label: kept', {}, {}, [object('Service', 'web', { 'slipway.dev/release': '4' }), object('Deployment', 'web', { 'slipway.dev/release': '4' })], []],
    [
      'a kind change: the StatefulSet and its headless Service go, the restored Deployment stays',
      { kind: 'StatefulSet' },
      {},
      [object('StatefulSet', 'web', { 'slipway.dev/release': '5' }), object('Service', 'web-pods', { 'slipway.dev/release': '5' }), object('Deployment', 'web', { 'slipway.dev/release': '4' })],
      ['StatefulSet web', 'Service web-pods'],
    ],
    ['an object an earlier release last applied: kept', {}, {}, [object('Ingress', 'web', { 'slipway.dev/release': '3' })], []],
    ["another app's object: kept", { host: 'x.test' }, {}, [{ ...object('Ingress', 'web', { 'slipway.dev/release': '5' }), labels: { 'app.kubernetes.io/name': 'other', 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/release': '5' } }], []],
    ["not Slipway's: kept", { host: 'x.test' }, {}, [{ ...object('Ingress', 'web', {}), labels: { 'app.kubernetes.io/name': 'web', 'slipway.dev/release': '5' } }], []],
    ['the failed release moved namespaces: its objects there go', { namespace: 'web-new' }, {}, [object('Deployment', 'web', { 'slipway.dev/release': '5' }, 'web-new')], ['Deployment web']],
    ['a claim the failed release created', { volumes: [volume] }, {}, [object('PersistentVolumeClaim', 'web-data', { 'slipway.dev/created-by-release': '5' })], ['PersistentVolumeClaim web-data']],
    ['a claim an earlier release created holds data: never deleted', { volumes: [volume] }, {}, [object('PersistentVolumeClaim', 'web-data', { 'slipway.dev/created-by-release': '2' })], []],
    ['a claim from before claims were labelled: never deleted', { volumes: [volume] }, {}, [object('PersistentVolumeClaim', 'web-data', {})], []],
    ['a claim labelled with the release label only: never deleted', { volumes: [volume] }, {}, [object('PersistentVolumeClaim', 'web-data', { 'slipway.dev/release': '5' })], []],
    ['a claim the restored release mounts too: kept', { volumes: [volume] }, { volumes: [volume] }, [object('PersistentVolumeClaim', 'web-data', { 'slipway.dev/created-by-release': '5' })], []],
  ])('%s', (_name, failed, restored, live, expected) => {
    expect(names(objectsToPrune({ failed: release(5, failed), restored: release(4, restored), live }))).toEqual(expected);
  });
});
