import { randomUUID } from 'node:crypto';
import { AppsV1Api, CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import { builtInTemplate } from '../../src/templates/catalog.js';
import { provisionTemplate } from '../../src/templates/provision.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { settledRelease } from '../helpers/releases.js';

// Built-in templates provisioned on the real control plane (kwok runs the pods).
const kc = testKubeConfig();
const logger = createLogger({ name: 'templates-test', level: 'warn' });
let t: TestApi;
let workers: Worker[];
const namespaces: string[] = [];
const repos: PublishedRepo[] = [];

beforeAll(async () => {
  t = await startTestApi();
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await t.close();
  for (const repo of repos) await repo.cleanup();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

const deps = () => ({ ...t.services, kc, logger });
const newNamespace = () => {
  const ns = `tpl-${randomUUID().slice(0, 8)}`;
  namespaces.push(ns);
  return ns;
};

test.each([
  ['postgresql-persistent', ['POSTGRESQL_USER', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_DATABASE', 'DATABASE_URL']],
  ['mysql-persistent', ['MYSQL_USER', 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'MYSQL_DATABASE', 'DATABASE_URL']],
  ['mongodb-persistent', ['MONGODB_USER', 'MONGODB_PASSWORD', 'MONGODB_DATABASE', 'DATABASE_URL']],
  ['redis-persistent', ['REDIS_PASSWORD', 'REDIS_URL']],
])('%s: Secret with linkable keys, probes, bound volume, ready StatefulSet', async (name, keys) => {
  const namespace = newNamespace();
  const report = await provisionTemplate(deps(), { template: await builtInTemplate(name), values: {}, namespace, waitSeconds: 120 });
  expect(report.unsupported).toEqual([]);
  expect(report.waited).toEqual([expect.objectContaining({ kind: 'StatefulSet', state: 'ready' })]);
  expect(report.objects.filter((o) => o.action !== 'created')).toEqual([]);
  const secretName = report.objects.find((o) => o.kind === 'Secret')!.name;
  const secret = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: secretName });
  expect(Object.keys(secret.data!)).toEqual(expect.arrayContaining(keys));
  const set = await kc.makeApiClient(AppsV1Api).readNamespacedStatefulSet({ namespace, name: report.waited[0]!.name });
  const container = set.spec!.template.spec!.containers[0]!;
  expect(container.readinessProbe).toBeDefined();
  expect(container.livenessProbe).toBeDefined();
  expect(container.resources?.requests).toBeDefined();
  const claims = await kc.makeApiClient(CoreV1Api).listNamespacedPersistentVolumeClaim({ namespace });
  expect(claims.items.map((c) => c.status?.phase)).toEqual(['Bound']);
});

test('re-provisioning keeps the Secret and reports it as kept with its key names: no stored value is ever returned', async () => {
  const namespace = newNamespace();
  const first = await provisionTemplate(deps(), { template: await builtInTemplate('postgresql-persistent'), values: {}, namespace, waitSeconds: 0 });
  // Created: key names reported; the generated credentials are in the template's message this once.
  expect(first.objects).toContainEqual({ kind: 'Secret', name: 'postgresql', action: 'created', keys: ['DATABASE_URL', 'POSTGRESQL_DATABASE', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_USER'] });
  const secret = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: 'postgresql' });
  const stored = Object.values(secret.data!).map((v) => Buffer.from(v, 'base64').toString());
  const password = Buffer.from(secret.data!.POSTGRESQL_PASSWORD!, 'base64').toString();
  expect(first.message).toContain(`Password: ${password}`);

  const again = await provisionTemplate(deps(), { template: await builtInTemplate('postgresql-persistent'), values: {}, namespace, waitSeconds: 0 });
  expect(again.objects).toContainEqual({ kind: 'Secret', name: 'postgresql', action: 'kept', keys: ['DATABASE_URL', 'POSTGRESQL_DATABASE', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_USER'] });
  const answer = JSON.stringify(again);
  for (const value of stored) expect(answer).not.toContain(value);
  expect(again.message).toContain('Password: <kept in Secret postgresql>');
  expect(again.message).toContain('Username: <kept in Secret postgresql>');
  // Nothing rotated.
  expect((await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: 'postgresql' })).data).toEqual(secret.data);
}, 120_000);

test('nodejs-postgresql: the BuildConfig becomes an app that builds and runs in the template\'s own Deployment', async () => {
  const namespace = newNamespace();
  const repo = await publishFixture('node-server');
  repos.push(repo);
  const name = `shop-${randomUUID().slice(0, 6)}`;
  const hookSecret = 'a'.repeat(40);
  const report = await provisionTemplate(deps(), {
    template: await builtInTemplate('nodejs-postgresql'),
    values: { NAME: name, SOURCE_REPOSITORY_URL: repo.url, SOURCE_REPOSITORY_REF: 'main', APPLICATION_DOMAIN: `${name}.example.test`, GITHUB_WEBHOOK_SECRET: hookSecret },
    namespace,
    waitSeconds: 240,
  });
  expect(report.unsupported).toEqual([]);
  const builds = await t.services.builds.listForApp(name);
  expect(builds.map((b) => `${b.id} ${b.state} ${b.failure?.reason ?? ''}`)).toEqual([`${name}-1 succeeded `]);
  expect(report.objects).toEqual(
    expect.arrayContaining([
      { kind: 'Deployment', name, action: 'managed by app' },
      { kind: 'Ingress', name, action: 'created' },
      { kind: 'PersistentVolumeClaim', name: 'postgresql', action: 'created' },
    ]),
  );
  // wait-for-ready: the BuildConfig and the app's Deployment wait for its first release; the database for its pods.
  expect(report.waited).toEqual([
    expect.objectContaining({ kind: 'App', name, state: 'ready', message: 'release 1 is current' }),
    expect.objectContaining({ kind: 'Deployment', name, state: 'ready' }),
    expect.objectContaining({ kind: 'Deployment', name: 'postgresql', state: 'ready' }),
  ]);
  expect(report.apps).toEqual([expect.objectContaining({ name, action: 'created', webhook: expect.objectContaining({ secret: hookSecret }) })]);
  expect(await t.services.apps.webhookSecret(name)).toBe(hookSecret);

  const release = await settledRelease({ releases: t.services.releases, app: name, number: 1 });
  expect(release.status).toBe('current');
  const build = await t.services.builds.get(report.apps[0]!.buildId!);
  expect((await t.services.logs.read(build.id)).map((e) => e.line)).toContain('--> Running the post-build test: npm test');

  const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name });
  const container = deployment.spec!.template.spec!.containers.find((c) => c.name === name)!;
  expect(container.image).toBe(release.image);
  expect(container.env?.map((e) => e.name)).toEqual(expect.arrayContaining(['DATABASE_SERVICE_NAME', 'POSTGRESQL_PASSWORD']));
  // The template's Service selects the app's pods by the template's own labels.
  const service = await kc.makeApiClient(CoreV1Api).readNamespacedService({ namespace, name });
  for (const [k, v] of Object.entries(service.spec!.selector!)) expect(deployment.spec!.template.metadata!.labels![k]).toBe(v);
  const ingress = await kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ namespace, name });
  expect(ingress.spec!.rules![0]!.host).toBe(`${name}.example.test`);
}, 400_000);
