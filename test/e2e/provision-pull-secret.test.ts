import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { PULL_SECRET_NAME } from '../../src/releases/render/pull-secret.js';
import { createLogger } from '../../src/logger.js';
import { openServices, type Services } from '../../src/services/services.js';
import type { ProvisionReport } from '../../src/templates/provision.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth, testConfig } from '../helpers/config.js';
import { realNodeConfig, requireRealNode } from '../helpers/real-node.js';
import { waitFor } from '../helpers/wait.js';

// An install gives the registry credentials only to the processes that use them (issue 14):
// the build worker pushes, the deploy worker keeps the pull secret in app namespaces; the API
// has none. A database provisioned from a template runs from an image in that registry, so
// the API asks the deploy worker to keep the pull secret in its namespace. On the real node the
// kubelet really refuses to pull without it (401) and really pulls once it is there.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const NAMESPACE = `pps-${randomUUID().slice(0, 8)}`;
const IMAGE = process.env.SLIPWAY_TEST_REDIS_IMAGE;
let t: TestApi;
let workerServices: Services;
let worker: Worker | undefined;

beforeAll(async () => {
  if (!IMAGE) throw new Error('SLIPWAY_TEST_REDIS_IMAGE is not set: run tests with scripts/test.sh (test/env/images/build.sh pushes the stand-ins)');
  await requireRealNode(kc);
  t = await startTestApi({ ...realNodeConfig(), SLIPWAY_REGISTRY_USER: '', SLIPWAY_REGISTRY_PASSWORD: '' });
  // The deploy worker of the same install (same queues), holding the registry credentials.
  workerServices = openServices(testConfig({ ...realNodeConfig(), SLIPWAY_PREFIX: t.config.prefix }));
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await workerServices?.close();
  await t?.close();
  await deleteNamespace(kc, NAMESPACE);
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
