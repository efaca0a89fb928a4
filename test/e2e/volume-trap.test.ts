import { randomUUID } from 'node:crypto';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// issue 19, the ReadWriteOnce trap, detected when it happens: a pod of the release stuck in
// ContainerCreating on `Multi-Attach error` fails the release at once with VolumeAttachFailed,
// quoting the Event, and the deploy worker rolls it back, instead of waiting out the deadline.
//
// A real Multi-Attach cannot happen on this machine: there is one real node, and kwok's nodes
// attach no volumes. So THE TEST WRITES THE EVENT, exactly as the attach-detach controller
// writes it (reason FailedAttachVolume, `Multi-Attach error for volume "<pv>" Volume is already
// used by pod(s) <pod>`, involvedObject the stuck pod), into the real API server; everything
// else is real: the claim, the pods on kwok nodes waiting in ContainerCreating, the deploy
// worker's Event watch, its judgement and its rollback.
//
// The app is in the trap the way an app saved before the rule could be (2 replicas on a
// ReadWriteOnce volume, written to the store directly, as the API now refuses it): such an app
// keeps deploying (a stored config is not refused for changes that do not deepen the trap), and
// when the trap does spring, the release fails fast and says why.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
let t: TestApi;
let worker: Worker;
const app = `vt-${randomUUID().slice(0, 8)}`;

const digest = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;

beforeAll(async () => {
  t = await startTestApi();
  worker = createDeployWorker({ services: t.services, kc, logger: createLogger({ name: 'test-deploy-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  await deleteNamespace(kc, app);
});

async function api<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await t.api.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

const settled = (number: number) => settledRelease({ releases: t.services.releases, app, number, timeoutMs: 120_000 });

/** The release's pods once there are `count`, all scheduled to kwok nodes and waiting in ContainerCreating. */
async function stuckPods(release: number, count: number): Promise<V1Pod[]> {
  let seen: V1Pod[] = [];
  return waitFor({
    timeoutMs: 60_000,
    check: async () => {
      seen = (await core.listNamespacedPod({ namespace: app, labelSelector: `slipway.dev/release=${release}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
      const creating = seen.filter((p) => p.spec?.nodeName?.startsWith('kwok-') && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
      return creating.length === count ? creating : undefined;
    },
    message: () => `release ${release}'s pods: ${seen.map((p) => `${p.metadata?.name} on ${p.spec?.nodeName}: ${JSON.stringify(p.status?.containerStatuses?.[0]?.state)}`).join('; ')}`,
  });
}

test("a pod stuck on Multi-Attach fails the release with VolumeAttachFailed, quoting the controller's Event, and is rolled back", async () => {
  await t.createApp({ name: app, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 300 } });
  const added = await api<{ volume: { claim: string }; release: Release | null }>('POST', `/apps/${app}/volumes`, { size: '1Gi', mountPath: '/data' });
  expect(added.status).toBe(201);
  const first = await api<Release>('POST', `/apps/${app}/releases`, { image: digest() });
  expect((await settled(first.body.number)).status).toBe('current');
  // What the API now refuses...
  const refused = await api<{ error: { code: string; message: string } }>('POST', `/apps/${app}/scale`, { replicas: 2 });
  expect(refused).toMatchObject({ status: 422, body: { error: { code: 'VOLUME_SINGLE_NODE' } } });
  // ...stored as a config saved before the rule would be.
  const stored = await t.services.apps.get(app);
  await t.services.apps.replace({ ...stored, deploy: { ...stored.deploy, replicas: 2 } });

  // A change that does not deepen the trap goes through. Its pods stay in ContainerCreating, as
  // pods waiting on an attach do (kwok holds them there for 10 minutes).
  const second = await api<Release>('POST', `/apps/${app}/releases`, { image: digest(), deploy: { podAnnotations: { 'slipway.test/ready-after': '10m' } } });
  expect(second.status).toBe(202);
  const [holder, waiting] = await stuckPods(second.body.number, 2);
  const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: app, name: added.body.volume.claim });
  const volume = claim.spec?.volumeName ?? claim.metadata!.name!;

  // The Event the attach-detach controller would write (reconciler.go reportMultiAttachError),
  // written by this test because no attach happens here.
  const now = new Date();
  const message = `Multi-Attach error for volume "${volume}" Volume is already used by pod(s) ${holder!.metadata!.name}`;
  await core.createNamespacedEvent({
    namespace: app,
    body: {
      metadata: { name: `${waiting!.metadata!.name}.${randomUUID().replace(/-/g, '').slice(0, 16)}`, namespace: app },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: waiting!.metadata!.name, namespace: app, uid: waiting!.metadata!.uid },
      type: 'Warning',
      reason: 'FailedAttachVolume',
      message,
      source: { component: 'attachdetach-controller' },
      reportingComponent: 'attachdetach-controller',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    },
  });

  const failed = await settled(second.body.number);
  expect(failed.status).toBe('failed');
  // Not the readiness deadline (300 s): the Event decided.
  expect(failed.failure).toMatchObject({
    reason: 'VolumeAttachFailed',
    pods: [{ pod: waiting!.metadata!.name, reason: 'VolumeAttachFailed', message: expect.stringContaining(`FailedAttachVolume: ${message}`) }],
  });
  expect(failed.failure!.message).toContain('a ReadWriteOnce volume attaches to one node at a time');
  expect(failed.rolledBackTo).toMatchObject({ number: first.body.number });
  const seconds = (new Date(failed.failure!.detectedAt).getTime() - now.getTime()) / 1000;
  // A number to read in the test output, not a threshold.
  process.stdout.write(`volume trap: release failed ${seconds.toFixed(2)} s after the Multi-Attach Event was written\n`);
  const current = await api<{ current: number }>('GET', `/apps/${app}/releases`);
  expect(current.body.current).toBe(first.body.number);
}, 240_000);
