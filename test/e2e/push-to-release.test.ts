import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { CoreV1Api } from '@kubernetes/client-node';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, liveTemplate, testKubeConfig } from '../helpers/cluster.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../helpers/github.js';
import { realNodeConfig, requireRealNode } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// The whole chain on real services: signed push webhook → build worker (git daemon, dockerd,
// registry) → release → deploy worker (control plane + the REAL node: the image is pulled, the
// containers start, the release is verified by real requests) → ready, current and answering.
const kc = testKubeConfig();
let t: TestApi;
let workers: Worker[];
let repo: PublishedRepo;
const name = `chain-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  await requireRealNode(kc);
  t = await startTestApi(realNodeConfig());
  const logger = createLogger({ name: 'test-workers', level: 'warn' });
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
  repo = await publishFixture('dockerfile-server');
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await t.close();
  await repo.cleanup();
  await deleteNamespace(kc, name);
});

test('push webhook → build → image → release → ready', async () => {
  const { secret } = await t.createApp({ name, repo: repo.url, branch: repo.branch, deploy: { replicas: 2 } });
  const d = signedDelivery({ secret, event: 'push', payload: pushPayload({ ref: 'refs/heads/main', sha: repo.sha, cloneUrl: repo.url }) });
  const res = await t.api.inject({ method: 'POST', url: `/hooks/github/${name}`, headers: d.headers, payload: d.body });
  expect(res.statusCode).toBe(202);

  const release = await settledRelease({ releases: t.services.releases, app: name, number: 1, timeoutMs: 240_000 });
  const build: Build = await t.services.builds.get(res.json().buildId);
  expect(build.state).toBe('succeeded');
  expect(release.status).toBe('current');
  expect(release.trigger).toEqual({ kind: 'webhook', buildId: build.id });
  expect(release.image).toBe(`${build.image!.repository}@${build.image!.digest}`);
  const live = await liveTemplate({ kc, namespace: name, name });
  expect(live.spec!.containers[0]!.image).toBe(release.image);
  // Both replicas really serve: 20 GETs through the pod proxy, spread over them, all 200.
  expect(release.verification).toMatchObject({ state: 'passed', statuses: { '200': 20 } });
  expect(release.verification!.pods).toHaveLength(2);
  const answer: unknown = await kc.makeApiClient(CoreV1Api).connectGetNamespacedServiceProxyWithPath({ namespace: name, name: `${name}:http`, path: 'hello' });
  expect(typeof answer === 'string' ? JSON.parse(answer) : answer).toMatchObject({ app: 'dockerfile-server', greeting: 'hello', port: 8080 });
}, 600_000);
