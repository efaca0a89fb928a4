// @runs-alone: it removes the shared redis stand-in image from the real node, which databases-real-node pulls.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { CoreV1Api, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import { applyManifests } from '../../src/releases/cluster/apply.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { PULL_SECRET_NAME, renderPullSecret } from '../../src/releases/render/pull-secret.js';
import { createLogger } from '../../src/logger.js';
import { openServices, type Services } from '../../src/services/services.js';
import type { ProvisionReport } from '../../src/templates/provision.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth, testConfig } from '../helpers/config.js';
import { killHard, spawnWorker } from '../helpers/processes.js';
import { forgetImageOnNode, realNodeConfig, requireRealNode } from '../helpers/real-node.js';
import { waitFor } from '../helpers/wait.js';

// An install gives the registry credentials only to the processes that use them (issue 14):
// the build worker pushes, the deploy worker keeps the pull secret in app namespaces; the API
// has none. A database provisioned from a template runs from an image in that registry, so
// the API asks the deploy worker to keep the pull secret in its namespace. On the real node the
// kubelet really refuses to pull without it (401) and really pulls once it is there.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const NAMESPACE = `pps-${randomUUID().slice(0, 8)}`;
const OTHER = `${NAMESPACE}-other`;
const IMAGE = process.env.SLIPWAY_TEST_REDIS_IMAGE;
let t: TestApi;
let workerServices: Services;
let worker: Worker | undefined;
let child: ChildProcess | undefined;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-pps-'));

beforeAll(async () => {
  if (!IMAGE) throw new Error('SLIPWAY_TEST_REDIS_IMAGE is not set: run tests with scripts/test.sh (test/env/images/build.sh pushes the stand-ins)');
  await requireRealNode(kc);
  t = await startTestApi({ ...realNodeConfig(), SLIPWAY_REGISTRY_USER: '', SLIPWAY_REGISTRY_PASSWORD: '' });
  // The deploy worker of the same install (same queues), holding the registry credentials.
  workerServices = openServices(testConfig({ ...realNodeConfig(), SLIPWAY_PREFIX: t.config.prefix }));
}, 60_000);

afterAll(async () => {
  if (child) await killHard(child);
  await worker?.close();
  await workerServices?.close();
  await t?.close();
  await deleteNamespace(kc, NAMESPACE);
  await deleteNamespace(kc, OTHER);
  fs.rmSync(logDir, { recursive: true, force: true });
}, 120_000);

test('the API without registry credentials provisions a database; the deploy worker keeps the pull secret; the kubelet pulls', async () => {
  expect(t.config.registry.username).toBeUndefined();
  expect(workerServices.config.registry.username).toBeDefined();

  // No deploy worker yet: the pod names the pull secret, which nobody has created.
  const res = await t.api.inject({
    method: 'POST',
    url: '/templates/provision',
    headers: auth,
    payload: { template: 'redis-persistent', namespace: NAMESPACE, parameters: { REDIS_IMAGE: IMAGE } },
  });
  expect(res.statusCode).toBe(200);
  expect((res.json() as ProvisionReport).objects).toContainEqual(expect.objectContaining({ kind: 'StatefulSet' }));
  const refused = await pod((p) => /ImagePull/.test(waiting(p)));
  expect(waiting(refused)).toMatch(/401|unauthori[sz]ed/i);
  expect(refused.spec!.imagePullSecrets).toContainEqual({ name: PULL_SECRET_NAME });
  expect(await core.listNamespacedSecret({ namespace: NAMESPACE, fieldSelector: `metadata.name=${PULL_SECRET_NAME}` })).toMatchObject({ items: [] });

  // The deploy worker takes the waiting job: the Secret and the ServiceAccount's entry appear,
  // and the kubelet's next pull attempt succeeds.
  worker = createDeployWorker({ services: workerServices, kc, logger: createLogger({ name: 'pps-worker', level: 'warn' }) });
  void worker.run();
  const ready = await pod((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, 300_000);
  expect(ready.status!.containerStatuses![0]!.containerID).toMatch(/^containerd:\/\//);
  const secret = await core.readNamespacedSecret({ namespace: NAMESPACE, name: PULL_SECRET_NAME });
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  const account = await core.readNamespacedServiceAccount({ namespace: NAMESPACE, name: 'default' });
  expect(account.imagePullSecrets).toContainEqual({ name: PULL_SECRET_NAME });
}, 600_000);

test('a changed registry password reaches an idle namespace when a deploy worker starts, so its next pod pulls', async () => {
  // The database above runs, pulled with the Secret; its deploy worker stops.
  await worker?.close();
  worker = undefined;
  const registry = workerServices.config.registry;
  // The registry password has changed since: this namespace still holds the one before, and no
  // rollout is coming to it.
  await applyManifests(kc, [renderPullSecret({ namespace: NAMESPACE, registry: { ...registry, password: 'the-password-before' } })!]);
  // In another namespace Slipway deploys into, another install's pull secret (another
  // registry), named and labelled the same: not ours.
  await core.createNamespace({ body: { metadata: { name: OTHER } } });
  await workerServices.provisions.rememberNamespace(OTHER);
  await applyManifests(kc, [renderPullSecret({ namespace: OTHER, registry: { host: 'registry.other.example:5000', username: 'them', password: 'theirs' } })!]);
  const otherBefore = await secretIn(OTHER);

  // Its pod starts again on a node without the image (a lost node, an eviction): refused.
  const before = await pod(isReady);
  forgetImageOnNode(IMAGE!);
  await core.deleteNamespacedPod({ namespace: NAMESPACE, name: before.metadata!.name!, gracePeriodSeconds: 0 });
  const refused = await pod((p) => p.metadata?.uid !== before.metadata?.uid && /ImagePull/.test(waiting(p)));
  expect(waiting(refused)).toMatch(/401|unauthori[sz]ed/i);

  // A deploy worker process starts with the current password.
  const first = await startWorkerFor('first');
  expect(first.refreshed).toContain(NAMESPACE);
  expect(first.foreign).toContain(OTHER);
  expect(first.failed).toEqual([]);
  const rotated = await secretIn(NAMESPACE);
  expect(dockerAuth(rotated, registry.host.split('/')[0]!)).toMatchObject({ username: registry.username, password: registry.password });
  expect((await secretIn(OTHER)).metadata!.resourceVersion).toBe(otherBefore.metadata!.resourceVersion);
  // The kubelet's next try pulls with it (its back-off: 10 s, then 20 s ...).
  const pulled = await pod((p) => p.metadata?.uid !== before.metadata?.uid && isReady(p), 300_000);
  expect(pulled.status!.containerStatuses![0]!.imageID).toBeTruthy();

  // The next start finds it current and writes nothing.
  await killHard(child!);
  const second = await startWorkerFor('second');
  expect(second.refreshed).not.toContain(NAMESPACE);
  expect((await secretIn(NAMESPACE)).metadata!.resourceVersion).toBe(rotated.metadata!.resourceVersion);
}, 600_000);

/** Starts a deploy worker process of the install and waits for its pull-secret check's log line. */
type PullSecretCheck = { msg?: string; checked: number; refreshed: string[]; foreign: string[]; failed: unknown[] };
async function startWorkerFor(name: string): Promise<PullSecretCheck> {
  const file = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(file, 'w');
  child = spawnWorker({ kind: 'deploy', config: workerServices.config, env: { ...realNodeConfig(), SLIPWAY_LOG_LEVEL: 'info' }, logFd: fd });
  fs.closeSync(fd);
  return waitFor({
    timeoutMs: 60_000,
    intervalMs: 250,
    check: async () => fs.readFileSync(file, 'utf8').split('\n').map(jsonLine).find((entry) => /pull secrets/.test(entry?.msg ?? '')),
    message: () => `the deploy worker logged no pull-secret check: ${fs.readFileSync(file, 'utf8').slice(-2000)}`,
  });
}

function jsonLine(line: string): PullSecretCheck | undefined {
  try {
    return JSON.parse(line) as PullSecretCheck;
  } catch {
    return undefined;
  }
}

async function secretIn(namespace: string): Promise<V1Secret> {
  return core.readNamespacedSecret({ namespace, name: PULL_SECRET_NAME });
}

function dockerAuth(secret: V1Secret, server: string): unknown {
  return (JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString()) as { auths: Record<string, unknown> }).auths[server];
}

function isReady(p: V1Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function waiting(p: V1Pod): string {
  const w = p.status?.containerStatuses?.[0]?.state?.waiting;
  return w ? `${w.reason}: ${w.message ?? ''}` : '';
}

async function pod(check: (p: V1Pod) => boolean, timeoutMs = 120_000): Promise<V1Pod> {
  let seen = '';
  return waitFor({
    timeoutMs,
    intervalMs: 500,
    check: async () => {
      const pods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items;
      seen = pods.map((p) => `${p.metadata?.name} ${p.status?.phase} ${waiting(p)}`).join('; ');
      return pods.find(check);
    },
    message: () => `no pod in ${NAMESPACE} as expected: ${seen || 'none'}`,
  });
}
