import { randomUUID } from 'node:crypto';
import { AppsV1Api, AutoscalingV2Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import { appLabels } from '../../src/releases/render/labels.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { settledRelease } from '../helpers/releases.js';

// What a release stops rendering goes, and what the HPA takes over keeps its value, on the test
// cluster's API server with the deploy worker (kwok nodes: pods, no metrics, so the HPA here
// never changes the count itself; what the count is comes from Slipway alone).
//  - Server-side apply never deletes: an Ingress of an app whose last route was removed went on
//    serving, and an HPA turned off went on scaling. Each apply prunes the app's Ingresses and HPA
//    the release does not render (cluster/prune-unrendered.ts); a rollback brings them back.
//  - Turning autoscaling on drops `spec.replicas` from Slipway's manifest: without a hand-over the
//    field loses its only owner and the workload falls to 1 pod (cluster/scale-workload.ts).
const kc = testKubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const networking = kc.makeApiClient(NetworkingV1Api);
const hpas = kc.makeApiClient(AutoscalingV2Api);
let t: TestApi;
let worker: Worker;
const names: string[] = [];

const digest = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;

beforeAll(async () => {
  t = await startTestApi();
  worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: 'apply-prune-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  for (const name of names) await deleteNamespace(kc, name);
});

async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await t.api.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

async function newApp(deploy: object): Promise<string> {
  const name = `ap-${randomUUID().slice(0, 8)}`;
  names.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 120, ...deploy } });
  return name;
}

/** Waits for the release a change made and expects it current. */
async function current(app: string, release: Release | null | undefined): Promise<Release> {
  expect(release).toBeTruthy();
  const settled = await settledRelease({ releases: t.services.releases, app, number: release!.number, timeoutMs: 120_000 });
  expect([settled.number, settled.status, settled.failure]).toEqual([release!.number, 'current', undefined]);
  return settled;
}

const ingressNames = async (namespace: string) => (await networking.listNamespacedIngress({ namespace })).items.map((i) => i.metadata!.name!).sort();
const hpaNames = async (namespace: string) => (await hpas.listNamespacedHorizontalPodAutoscaler({ namespace })).items.map((h) => h.metadata!.name!);
const replicas = async (app: string) => (await apps.readNamespacedDeployment({ namespace: app, name: app })).spec?.replicas;

test('an app whose last route is removed loses its Ingress with that release, keeps anything else there, and a rollback brings it back', async () => {
  const app = await newApp({ host: `${randomUUID().slice(0, 8)}.example.com` });
  const first = await api<Release>('POST', `/apps/${app}/releases`, { image: digest() });
  await current(app, first.body);
  expect(await ingressNames(app)).toEqual([app]);
  // Someone else's Ingress in the app's namespace: not the app's (no labels of it), never pruned.
  const backend = { defaultBackend: { service: { name: 'x', port: { number: 80 } } } };
  await networking.createNamespacedIngress({ namespace: app, body: { metadata: { name: 'not-slipways' }, spec: backend } });
  // The app's preview Ingress from when it was blue-green (its releases render none now): a dry
  // run of the next release says it would go and changes nothing; the release deletes it.
  await networking.createNamespacedIngress({ namespace: app, body: { metadata: { name: `${app}-preview`, labels: appLabels(app) }, spec: backend } });
  const dry = await api<{ changes: Array<{ kind: string; name: string; action: string }> }>('POST', `/apps/${app}/releases?dryRun=true`, { image: first.body.image });
  expect(dry.status).toBe(200);
  expect(dry.body.changes.filter((c) => c.action === 'delete')).toEqual([expect.objectContaining({ kind: 'Ingress', name: `${app}-preview` })]);
  expect(await ingressNames(app)).toEqual([app, `${app}-preview`, 'not-slipways'].sort());
  await current(app, (await api<Release>('POST', `/apps/${app}/releases`, { image: first.body.image })).body);
  expect(await ingressNames(app)).toEqual([app, 'not-slipways'].sort());

  const host = (await t.services.apps.get(app)).deploy.host!;
  const removed = await api<{ release: Release | null }>('DELETE', `/apps/${app}/routes?host=${host}`);
  expect(removed.status).toBe(200);
  await current(app, removed.body.release);
  expect(await ingressNames(app)).toEqual(['not-slipways']);

  const back = await api<Release>('POST', `/apps/${app}/rollback`, { to: first.body.number });
  expect(back.status).toBe(202);
  await current(app, back.body);
  expect(await ingressNames(app)).toEqual([app, 'not-slipways'].sort());
}, 300_000);

test('turning autoscaling on keeps the pods running, and off deletes the HPA and gives the count back to the app', async () => {
  const app = await newApp({ replicas: 3 });
  const first = await api<Release>('POST', `/apps/${app}/releases`, { image: digest() });
  await current(app, first.body);
  expect(await replicas(app)).toBe(3);

  const on = await api<{ release?: Release }>('PUT', `/apps/${app}/autoscale`, { autoscale: { minReplicas: 2, maxReplicas: 5, cpuPercent: 60 } });
  expect(on.status).toBe(200);
  await current(app, on.body.release);
  expect(await hpaNames(app)).toEqual([app]);
  expect(await replicas(app)).toBe(3);
  const owners = async () =>
    (await apps.readNamespacedDeployment({ namespace: app, name: app })).metadata!.managedFields!.filter((f) => 'f:replicas' in ((f.fieldsV1 as { 'f:spec'?: object })?.['f:spec'] ?? {})).map((f) => f.manager);
  expect(await owners()).toEqual(['slipway-scale']);

  // Another release leaves the count alone: it is the HPA's now (which, without metrics here, keeps it).
  const narrower = await api<{ release?: Release }>('PUT', `/apps/${app}/autoscale`, { autoscale: { minReplicas: 1, maxReplicas: 4, cpuPercent: 60 } });
  await current(app, narrower.body.release);
  expect(await replicas(app)).toBe(3);

  const off = await api<{ release?: Release }>('DELETE', `/apps/${app}/autoscale`);
  expect(off.status).toBe(200);
  await current(app, off.body.release);
  expect(await hpaNames(app)).toEqual([]);
  expect(await replicas(app)).toBe(3);
  expect(await owners()).toContain('slipway');
}, 300_000);

test('a count outside the new bounds is brought within them at the hand-over', async () => {
  const app = await newApp({ replicas: 4 });
  await current(app, (await api<Release>('POST', `/apps/${app}/releases`, { image: digest() })).body);
  const on = await api<{ release?: Release }>('PUT', `/apps/${app}/autoscale`, { autoscale: { minReplicas: 1, maxReplicas: 2, cpuPercent: 60 } });
  await current(app, on.body.release);
  expect(await replicas(app)).toBe(2);
}, 300_000);
