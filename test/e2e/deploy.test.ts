import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, fieldManagers, liveTemplate, templateEssentials, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { settledRelease } from '../helpers/releases.js';

// Rollouts on a real control plane (etcd, kube-apiserver, controller-manager, scheduler) with
// kwok playing the kubelets: pods become ready, crash-loop, fail to pull or never get ready as
// the pod annotations of the release say (test/env/k8s/stages). Slipway's code sees only a cluster.
const kc = testKubeConfig();
let t: TestApi;
let worker: Worker;
const namespaces: string[] = [];

const digest = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
const behaviour = (name: string, extra: Record<string, string> = {}) => ({ 'slipway.test/behaviour': name, ...extra });

beforeAll(async () => {
  t = await startTestApi();
  worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: 'test-deploy-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

async function newApp(deploy: Record<string, unknown> = {}): Promise<string> {
  const name = `d-${randomUUID().slice(0, 8)}`;
  namespaces.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 30, ...deploy } });
  return name;
}

async function api<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await t.api.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

async function release(app: string, payload: Record<string, unknown>): Promise<number> {
  const res = await api<Release>('POST', `/apps/${app}/releases`, payload);
  expect(res.status).toBe(202);
  expect(res.body.status).toBe('pending');
  return res.body.number;
}

const settled = (app: string, number: number) => settledRelease({ releases: t.services.releases, app, number, timeoutMs: 120_000 });

const releaseTemplate = (r: Release, kind = 'Deployment') => (r.manifests.find((m) => m.kind === kind) as { spec: { template: object } }).spec.template;

describe('Deployment rollouts', () => {
  let app: string;
  let first: Release;
  const image1 = digest();

  beforeAll(async () => {
    app = await newApp({ replicas: 2, env: { MODE: 'v1' }, readinessPath: '/healthz' });
  });

  test('release 1 becomes current once both replicas are ready, applied by digest with slipway as field manager', async () => {
    first = await settled(app, await release(app, { image: image1 }));
    expect(first.status).toBe('current');
    expect(first.failure).toBeUndefined();
    const live = await liveTemplate({ kc, namespace: app, name: app });
    expect(templateEssentials(live)).toEqual(templateEssentials(releaseTemplate(first)));
    expect(live.spec!.containers[0]!.image).toBe(image1);
    expect(live.metadata!.labels).toMatchObject({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/release': '1' });
    const managers = await fieldManagers({ kc, namespace: app, name: app });
    expect(managers).toContainEqual({ manager: 'slipway', operation: 'Apply' });
    const history = await api<{ current: number }>('GET', `/apps/${app}/releases`);
    expect(history.body.current).toBe(1);
  });

  test.each([
    ['crash loop', { podAnnotations: behaviour('crash-loop', { 'slipway.test/restart-interval': '1s' }) }, ['CrashLoopBackOff', 'RestartsExceeded']],
    ['image pull error', { podAnnotations: behaviour('image-pull-error') }, ['ErrImagePull', 'ImagePullBackOff']],
    ['never ready (readiness deadline)', { podAnnotations: behaviour('never-ready'), readinessDeadlineSeconds: 6 }, ['ReadinessDeadlineExceeded']],
  ])('a release that fails by %s is detected and rolled back to the last good release, image AND env', async (_name, deploy, reasons) => {
    const good = (await t.services.releases.current(app))!;
    // Put the app's config back afterwards, whatever happens: it is a new (good) release.
    const restoreConfig = async () => {
      const res = await api<{ release: Release }>('PATCH', `/apps/${app}`, { deploy: { podAnnotations: {}, env: { MODE: 'v1' }, readinessDeadlineSeconds: 30 } });
      expect((await settled(app, res.body.release.number)).status).toBe('current');
    };
    try {
      const bad = await settled(app, await release(app, { image: digest(), deploy: { ...deploy, env: { MODE: 'broken' } } }));
      expect(bad.status).toBe('failed');
      expect(reasons).toContain(bad.failure!.reason);
      expect(bad.failure!.pods.length).toBeGreaterThan(0);
      expect(bad.rolledBackTo).toMatchObject({ number: good.number, ready: true, message: `release ${good.number} is serving again` });
      expect(Date.parse(bad.rolledBackTo!.settledAt)).toBeGreaterThanOrEqual(Date.parse(bad.failure!.detectedAt));
      // The live pod template is the good release's again: image, env, probe, labels, annotations.
      const live = await liveTemplate({ kc, namespace: app, name: app });
      expect(templateEssentials(live)).toEqual(templateEssentials(releaseTemplate(good)));
      expect(live.spec!.containers[0]!.image).toBe(image1);
      expect((await t.services.releases.current(app))!.number).toBe(good.number);
    } finally {
      await restoreConfig();
    }
  });

  test('manual rollback from the newest release to release 1 restores its image and config', async () => {
    const newest = await settled(app, await release(app, { image: digest(), deploy: { env: { MODE: 'v3' } } }));
    expect(newest.status).toBe('current');
    const res = await api<Release>('POST', `/apps/${app}/rollback`, { to: 1 });
    expect(res.status).toBe(202);
    expect(res.body.trigger).toEqual({ kind: 'rollback', rollbackOf: 1 });
    const back = await settled(app, res.body.number);
    expect(back.status).toBe('current');
    expect(back.image).toBe(image1);
    const live = await liveTemplate({ kc, namespace: app, name: app });
    expect(templateEssentials(live)).toMatchObject({ image: image1, env: templateEssentials(releaseTemplate(first)).env });
    expect((await t.services.releases.get(app, newest.number)).status).toBe('rolled-back');
    expect((await api<{ deploy: { env: object } }>('GET', `/apps/${app}`)).body.deploy.env).toEqual({ MODE: 'v1' });
  });

  test('history lists every release, newest first, with status, trigger and reason', async () => {
    const { body } = await api<{ current: number; releases: Release[] }>('GET', `/apps/${app}/releases`);
    expect(body.releases.map((r) => r.number)).toEqual([...body.releases.map((r) => r.number)].sort((a, b) => b - a));
    expect(body.releases.filter((r) => r.status === 'failed').map((r) => r.failure!.reason).length).toBe(3);
    expect(body.releases.filter((r) => r.status === 'current').map((r) => r.number)).toEqual([body.current]);
  });
});

test('a failing first release has nothing to roll back to, and says so', async () => {
  const app = await newApp({ podAnnotations: behaviour('crash-loop') });
  const first = await settled(app, await release(app, { image: digest() }));
  expect(first.status).toBe('failed');
  expect(first.failure!.message).toContain('no earlier release to roll back to');
  expect(first.rolledBackTo).toBeUndefined();
  expect(await t.services.releases.current(app)).toBeUndefined();
});

test('a StatefulSet rollout is gated the same way, and its rollback replaces the broken pod', async () => {
  const app = await newApp({ kind: 'StatefulSet', replicas: 2 });
  const first = await settled(app, await release(app, { image: digest() }));
  expect(first.status).toBe('current');
  const bad = await settled(app, await release(app, { image: digest(), deploy: { podAnnotations: behaviour('crash-loop') } }));
  expect(bad.status).toBe('failed');
  expect(bad.failure!.reason).toBe('CrashLoopBackOff');
  expect(bad.rolledBackTo).toMatchObject({ number: 1, ready: true });
  const live = await liveTemplate({ kc, namespace: app, name: app, kind: 'StatefulSet' });
  expect(templateEssentials(live)).toEqual(templateEssentials(releaseTemplate(first, 'StatefulSet')));
});

test('bad input: image not by digest, unknown release, nothing to roll back to', async () => {
  const app = await newApp();
  expect((await api<{ error: { code: string } }>('POST', `/apps/${app}/releases`, { image: 'nginx:latest' })).body.error.code).toBe('RELEASE_NOT_DEPLOYABLE');
  expect((await api<{ error: { code: string } }>('POST', `/apps/${app}/releases`, {})).body.error.code).toBe('RELEASE_NOT_DEPLOYABLE');
  expect((await api<{ error: { code: string } }>('GET', `/apps/${app}/releases/9`)).status).toBe(404);
  expect((await api<{ error: { code: string } }>('POST', `/apps/${app}/rollback`, {})).body.error.code).toBe('RELEASE_NOT_DEPLOYABLE');
  expect((await api<{ error: { code: string } }>('PATCH', `/apps/${app}`, { deploy: { replicas: -1 } })).status).toBe(400);
  expect((await api<{ releases: Release[] }>('GET', `/apps/${app}/releases`)).body.releases).toEqual([]);
});
