import { randomBytes, randomUUID } from 'node:crypto';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createLogger } from '../../src/logger.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { settledRelease } from '../helpers/releases.js';

// Issue 15: Slipway keeps the registry pull secret in each app namespace, puts it on the pods it
// renders and on the namespace's `default` ServiceAccount, and rotates it when the configured
// registry password changes. On the test control plane (kwok nodes pull nothing, so the test
// reads what the kubelet would be handed: the Secret, the pod specs, the ServiceAccount).
const SECRET = 'slipway-registry';
const REGISTRY = process.env.SLIPWAY_REGISTRY ?? '127.0.0.1:5000';

/** A test API with its own deploy worker, reading the given config. */
async function stack(overrides: Record<string, string> = {}): Promise<{ t: TestApi; worker: Worker; close: () => Promise<void> }> {
  const t = await startTestApi(overrides);
  const worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: 'pull-secret-deploy-worker', level: 'warn' }) });
  void worker.run();
  return { t, worker, close: async () => { await worker.close(); await t.close(); } };
}

async function release(t: TestApi, app: string): Promise<Release> {
  const image = `${REGISTRY}/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload: { image } });
  expect(res.statusCode).toBe(202);
  const settled = await settledRelease({ releases: t.services.releases, app, number: (res.json() as Release).number, timeoutMs: 180_000 });
  expect(settled).toMatchObject({ status: 'current' });
  return settled;
}

/** The auths entry for the registry in the namespace's pull secret. */
async function pullAuth(namespace: string): Promise<{ username: string; password: string; auth: string }> {
  const secret = await core().readNamespacedSecret({ namespace, name: SECRET });
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  const config = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString()) as { auths: Record<string, { username: string; password: string; auth: string }> };
  expect(Object.keys(config.auths)).toEqual([REGISTRY.split('/')[0]]);
  return config.auths[REGISTRY.split('/')[0]!]!;
}

let kc: KubeConfig;
const core = () => kc.makeApiClient(CoreV1Api);
const namespaces: string[] = [];
const stacks: Array<{ close: () => Promise<void> }> = [];

beforeAll(() => {
  kc = testKubeConfig();
  for (const name of ['SLIPWAY_REGISTRY_USER', 'SLIPWAY_REGISTRY_PASSWORD']) {
    if (!process.env[name]) throw new Error(`${name} is not set: source ~/.cache/slipway/state/env.sh`);
  }
});

afterAll(async () => {
  for (const s of stacks) await s.close();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

describe('with registry credentials configured', () => {
  const app = `pullsecret-${randomUUID().slice(0, 8)}`;
  let first: Release;

  beforeAll(async () => {
    namespaces.push(app);
    const s = await stack();
    stacks.push(s);
    await s.t.createApp({ name: app, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 60 } });
    first = await release(s.t, app);
  }, 240_000);

  test('the namespace holds the pull secret with the configured auth for the registry', async () => {
    const entry = await pullAuth(app);
    const { SLIPWAY_REGISTRY_USER: user, SLIPWAY_REGISTRY_PASSWORD: password } = process.env;
    expect(entry).toEqual({ username: user, password, auth: Buffer.from(`${user}:${password}`).toString('base64') });
  });

  test("the release's pods and its Deployment's pod template reference it", async () => {
    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: app, name: app });
    expect(deployment.spec!.template.spec!.imagePullSecrets).toEqual([{ name: SECRET }]);
    const pods = (await core().listNamespacedPod({ namespace: app, labelSelector: `app.kubernetes.io/name=${app},slipway.dev/release=${first.number}` })).items;
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect(pod.spec!.imagePullSecrets).toEqual([{ name: SECRET }]);
  });

  test("the default ServiceAccount lists it; the release record and the API answers carry no credential", async () => {
    const account = await core().readNamespacedServiceAccount({ namespace: app, name: 'default' });
    expect(account.imagePullSecrets).toEqual([{ name: SECRET }]);
    const password = process.env.SLIPWAY_REGISTRY_PASSWORD!;
    expect(JSON.stringify(first)).not.toContain(password);
    expect(JSON.stringify(first)).not.toContain(Buffer.from(password).toString('base64').slice(0, 12));
  });

  test('a release after the registry password changed rotates the secret; other ServiceAccount entries are kept', async () => {
    // Someone replaced the ServiceAccount's list with their own pull secret: Slipway adds its
    // own back next to it, never replaces the list.
    await core().patchNamespacedServiceAccount(
      { namespace: app, name: 'default', body: [{ op: 'replace', path: '/imagePullSecrets', value: [{ name: 'team-mirror' }] }] },
    );
    const password = randomBytes(12).toString('hex');
    const rotated = await stack({ SLIPWAY_REGISTRY_PASSWORD: password });
    stacks.push(rotated);
    await rotated.t.createApp({ name: app, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 60 } });
    const second = await release(rotated.t, app);
    expect(await pullAuth(app)).toMatchObject({ password, auth: Buffer.from(`${process.env.SLIPWAY_REGISTRY_USER}:${password}`).toString('base64') });
    const account = await core().readNamespacedServiceAccount({ namespace: app, name: 'default' });
    expect(account.imagePullSecrets).toEqual([{ name: 'team-mirror' }, { name: SECRET }]);
    const res = await rotated.t.api.inject({ method: 'GET', url: `/apps/${app}/releases/${second.number}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(password);
  }, 240_000);
});

describe('without registry credentials', () => {
  const app = `nopull-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    namespaces.push(app);
    const s = await stack({ SLIPWAY_REGISTRY_USER: '', SLIPWAY_REGISTRY_PASSWORD: '' });
    stacks.push(s);
    expect(s.t.config.registry.password).toBeUndefined();
    await s.t.createApp({ name: app, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 60 } });
    await release(s.t, app);
  }, 240_000);

  test('creates no pull secret, and neither pods nor the ServiceAccount name one', async () => {
    const secrets = (await core().listNamespacedSecret({ namespace: app })).items.map((s) => s.metadata!.name);
    expect(secrets).not.toContain(SECRET);
    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: app, name: app });
    expect(deployment.spec!.template.spec!.imagePullSecrets).toBeUndefined();
    const pods = (await core().listNamespacedPod({ namespace: app, labelSelector: `app.kubernetes.io/name=${app}` })).items;
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect(pod.spec!.imagePullSecrets).toBeUndefined();
    const account = await core().readNamespacedServiceAccount({ namespace: app, name: 'default' });
    expect(account.imagePullSecrets).toBeUndefined();
  });
});
