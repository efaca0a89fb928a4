import { parseTemplate } from '../../src/templates/parse-template.js';
import { processTemplate } from '../../src/templates/process-template.js';
import { translateOpenShift, UNRESOLVED_IMAGE, type Translation } from '../../src/templates/translate-openshift.js';
import { NODEJS_POSTGRESQL_PERSISTENT } from './fixtures.js';

// A real OpenShift template, unchanged (sclorg's nodejs-postgresql-persistent, see
// fixtures/NOTICE.md): the parts its cluster gives it — the `openshift` namespace's streams
// (`nodejs:22-ubi9` as the builder, `postgresql:12-el8` for the database, named without a
// namespace as sclorg writes it) and the router's host for a Route without one — come from the
// image-stream map and the apps domain.

type Obj = Record<string, any>;
const IMAGES = { postgresql: { image: 'registry.test/pg@sha256:' + 'c'.repeat(64), version: '15' } };

function translated(parameters: Record<string, string> = {}, options: { appsDomain?: string } = { appsDomain: 'apps.example.test' }): Translation {
  const template = parseTemplate(NODEJS_POSTGRESQL_PERSISTENT, 'nodejs-postgresql-persistent.json');
  const processed = processTemplate({ template, values: { SOURCE_REPOSITORY_URL: 'https://git.example.test/shop.git', ...parameters } });
  return translateOpenShift(processed.objects, { images: IMAGES, namespace: 'shop', ...options });
}
const find = (t: Translation, kind: string, name: string) => t.objects.find((o) => o.kind === kind && (o.metadata as Obj).name === name) as Obj | undefined;

describe('sclorg nodejs-postgresql-persistent, unchanged', () => {
  const t = translated();

  test('nothing is unsupported: every object is applied or consumed', () => {
    expect(t.unsupported).toEqual([]);
    expect(t.objects.map((o) => `${o.kind}/${(o.metadata as Obj).name}`)).toEqual([
      'Secret/nodejs-postgresql-persistent', 'PersistentVolumeClaim/postgresql', 'Service/nodejs-postgresql-persistent', 'Service/postgresql',
      'Deployment/nodejs-postgresql-persistent', 'Deployment/postgresql', 'Ingress/nodejs-postgresql-persistent',
    ]);
  });

  test('the database Deployment runs the image the map gives postgresql, and says it is 15, not 12', () => {
    const db = find(t, 'Deployment', 'postgresql')!;
    expect(db.spec.template.spec.containers[0].image).toBe(IMAGES.postgresql.image);
    expect(db.spec.template.spec.containers[0].env.map((e: Obj) => e.name)).toEqual(['POSTGRESQL_USER', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_DATABASE', 'POSTGRESQL_ADMIN_PASSWORD']);
    expect(t.notes).toEqual(expect.arrayContaining([
      `Deployment/postgresql: container postgresql: image.openshift.io/triggers trigger on postgresql:12-el8 → ${IMAGES.postgresql.image}`,
      expect.stringMatching(/^Deployment\/postgresql: container postgresql: postgresql:12-el8 is the openshift namespace's stream: .*; postgresql:12-el8 asks for version 12; deploying registry.test\/pg@sha256:c+ \(version 15\)/),
    ]));
  });

  test('the app: built with the nodejs builder at the version the builder stream names, its Deployment bound to the build', () => {
    expect(t.apps).toEqual([expect.objectContaining({ name: 'nodejs-postgresql-persistent', repo: 'https://git.example.test/shop.git', strategy: 'source', builder: 'nodejs:22', builderImage: 'nodejs:22-ubi9' })]);
    expect(t.imageBindings).toEqual([{ kind: 'Deployment', name: 'nodejs-postgresql-persistent', container: 'nodejs-postgresql-persistent', app: 'nodejs-postgresql-persistent' }]);
    expect(find(t, 'Deployment', 'nodejs-postgresql-persistent')!.spec.template.spec.containers[0].image).toBe(UNRESOLVED_IMAGE);
  });

  test.each<[string, Record<string, string>, string]>([
    ['latest: no version', { NODEJS_VERSION: 'latest' }, 'nodejs'],
    ['18-ubi9', { NODEJS_VERSION: '18-ubi9' }, 'nodejs:18'],
    ['20-ubi9-minimal', { NODEJS_VERSION: '20-ubi9-minimal' }, 'nodejs:20'],
  ])('NODEJS_VERSION %s → builder %s', (_name, parameters, builder) => {
    expect(translated(parameters).apps[0]!.builder).toBe(builder);
  });

  test('the Route without a host: <route>-<namespace>.<apps domain>', () => {
    expect(find(t, 'Ingress', 'nodejs-postgresql-persistent')!.spec.rules[0].host).toBe('nodejs-postgresql-persistent-shop.apps.example.test');
  });

  test('without an apps domain: a host-less Ingress and a warning', () => {
    const plain = translated({}, {});
    expect(find(plain, 'Ingress', 'nodejs-postgresql-persistent')!.spec.rules[0].host).toBeUndefined();
    expect(plain.notes).toContainEqual(expect.stringContaining('warning: no spec.host and SLIPWAY_APPS_DOMAIN is not set'));
  });

  test('a version the map has an entry for: that entry, no version note', () => {
    const template = parseTemplate(NODEJS_POSTGRESQL_PERSISTENT, 'nodejs-postgresql-persistent.json');
    const processed = processTemplate({ template, values: {} });
    const t12 = translateOpenShift(processed.objects, { images: { ...IMAGES, 'postgresql:12': { image: 'registry.test/pg:12', version: '12' } }, namespace: 'shop' });
    expect(find(t12, 'Deployment', 'postgresql')!.spec.template.spec.containers[0].image).toBe('registry.test/pg:12');
    expect(t12.notes.filter((n) => n.includes('asks for version'))).toEqual([]);
  });
});

describe('builder streams and database streams in other shapes', () => {
  const buildConfig = (from: Obj): Obj => ({
    kind: 'BuildConfig', apiVersion: 'build.openshift.io/v1', metadata: { name: 'web' },
    spec: { source: { git: { uri: 'https://git.example.test/web.git' } }, strategy: { type: 'Source', sourceStrategy: { from } }, output: { to: { kind: 'ImageStreamTag', name: 'web:latest' } } },
  });
  test.each<[string, Obj, Obj]>([
    ['python:3.8-ubi8 in openshift', { kind: 'ImageStreamTag', namespace: 'openshift', name: 'python:3.8-ubi8' }, { builder: 'python:3.8' }],
    ['ubi8-openjdk-17 in openshift', { kind: 'ImageStreamTag', namespace: 'openshift', name: 'ubi8-openjdk-17:1.18' }, { builder: 'java:17' }],
    ['a bare golang stream the template lacks', { kind: 'ImageStreamTag', name: 'golang:1.22-ubi9' }, { builder: 'go:1.22' }],
    ['a stream of another namespace: kept by name, detected', { kind: 'ImageStreamTag', namespace: 'builders', name: 'python:3.8-ubi8' }, { builder: undefined }],
    ['a DockerImage: detected', { kind: 'DockerImage', name: 'registry.access.redhat.com/ubi9/python-312' }, { builder: undefined }],
  ])('%s', (_name, from, expected) => {
    const t = translateOpenShift([buildConfig(from)]);
    expect(t.apps[0]!.builder).toBe(expected.builder);
  });

  test('perl: the app is still created, its builder detected, and the stream reported', () => {
    const t = translateOpenShift([buildConfig({ kind: 'ImageStreamTag', namespace: 'openshift', name: 'perl:5.32-ubi8' })]);
    expect(t.apps[0]!.builder).toBeUndefined();
    expect(t.unsupported).toEqual([{ kind: 'BuildConfig', name: 'web', reason: expect.stringContaining('perl:5.32-ubi8 has no Slipway builder') }]);
  });

  test.each<[string, Obj]>([
    ['a DeploymentConfig ImageChange trigger in openshift', {
      kind: 'DeploymentConfig', apiVersion: 'apps.openshift.io/v1', metadata: { name: 'mysql' },
      spec: { triggers: [{ type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['mysql'], from: { kind: 'ImageStreamTag', namespace: 'openshift', name: 'mysql:8.0-el8' } } }], template: { metadata: { labels: { name: 'mysql' } }, spec: { containers: [{ name: 'mysql', image: ' ' }] } } },
    }],
    ['a Deployment with the triggers annotation in openshift', {
      kind: 'Deployment', apiVersion: 'apps/v1',
      metadata: { name: 'mysql', annotations: { 'image.openshift.io/triggers': '[{"from":{"kind":"ImageStreamTag","name":"mysql:8.0-el8","namespace":"openshift"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"mysql\\")].image"}]' } },
      spec: { selector: { matchLabels: { name: 'mysql' } }, template: { metadata: { labels: { name: 'mysql' } }, spec: { containers: [{ name: 'mysql', image: ' ' }] } } },
    }],
  ])('%s: the map\'s mysql image', (_name, workload) => {
    const t = translateOpenShift([workload], { images: { mysql: { image: 'registry.test/mariadb:10.11', version: '10.11' } } });
    expect(t.unsupported).toEqual([]);
    expect(t.objects[0]!.spec).toMatchObject({ template: { spec: { containers: [{ name: 'mysql', image: 'registry.test/mariadb:10.11' }] } } });
    expect(t.notes).toContainEqual(expect.stringContaining('mysql:8.0-el8 asks for version 8.0; deploying registry.test/mariadb:10.11 (version 10.11)'));
  });

  test('a stream of the openshift namespace the map lacks is reported, naming the setting', () => {
    const t = translateOpenShift([{
      kind: 'Deployment', apiVersion: 'apps/v1',
      metadata: { name: 'ci', annotations: { 'image.openshift.io/triggers': '[{"from":{"kind":"ImageStreamTag","name":"jenkins:2","namespace":"openshift"},"fieldPath":"spec.template.spec.containers[0].image"}]' } },
      spec: { selector: { matchLabels: { name: 'ci' } }, template: { metadata: { labels: { name: 'ci' } }, spec: { containers: [{ name: 'jenkins', image: ' ' }] } } },
    }]);
    expect(t.unsupported).toEqual([{ kind: 'Deployment', name: 'ci', reason: expect.stringContaining("ImageStreamTag openshift/jenkins:2, a stream Slipway's image-stream map (SLIPWAY_OPENSHIFT_IMAGES) does not have") }]);
  });
});
