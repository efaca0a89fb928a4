// @runs-alone: it removes the shared redis stand-in image from the real node, which databases-real-node pulls.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { CoreV1Api } from '@kubernetes/client-node';
import { PULL_RETRY_SECONDS } from '../../src/releases/rollout/pull-retry.js';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { forgetImageOnNode, startRealNodeApi } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// A pull the registry refuses (401) may pass on the kubelet's retry: CI once saw the Node
// authorizer refuse a brand-new pod its pull secret, and the retry 13 s later pulled fine.
// So Slipway fails such a release only when the refusal outlives the retry window. Here the
// install's registry password is wrong, so every pull is refused: on the real node the release
// must still fail, quoting the registry's 401, once the window has passed, and not before.
const kc = testKubeConfig();
const IMAGE = process.env.SLIPWAY_TEST_REDIS_IMAGE;
const app = `pullcreds-${randomUUID().slice(0, 8)}`;
let t: TestApi;
let workers: Worker[];

beforeAll(async () => {
  if (!IMAGE) throw new Error('SLIPWAY_TEST_REDIS_IMAGE is not set: run tests with scripts/test.sh (test/env/images/build.sh pushes the stand-ins)');
  ({ t, workers } = await startRealNodeApi(kc, { name: 'pull-credentials-workers', overrides: { SLIPWAY_REGISTRY_PASSWORD: 'not-the-password' } }));
  // A suite before this one may have pulled the stand-in with the right password (databases-real-node
  // does): then no pull, no 401, and the pod just starts. CI saw that once the suites' order changed.
  forgetImageOnNode(IMAGE);
}, 60_000);

afterAll(async () => {
  for (const w of workers ?? []) await w.close();
  await t?.close();
  await deleteNamespace(kc, app);
}, 180_000);

test('wrong registry credentials: refused on every pull, failed after the retry window, quoting the 401', async () => {
  await t.createApp({ name: app, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 240 } });
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/releases`, headers: auth, payload: { image: IMAGE } });
  expect(res.statusCode).toBe(202);
  const release = await settledRelease({ releases: t.services.releases, app, number: (res.json() as Release).number, timeoutMs: 240_000 });

  expect(release.status).toBe('failed');
  expect(['ErrImagePull', 'ImagePullBackOff']).toContain(release.failure?.reason);
  expect(release.failure?.message).toMatch(/401 Unauthorized/);
  // Judged after the kubelet's retry, not at the first refusal and not at the readiness deadline.
  const pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: app })).items;
  expect(pods.length).toBeGreaterThan(0);
  const started = Math.min(...pods.map((p) => new Date(p.status?.startTime ?? p.metadata!.creationTimestamp!).getTime()));
  const decidedAfter = (new Date(release.failure!.detectedAt).getTime() - started) / 1000;
  expect(decidedAfter).toBeGreaterThanOrEqual(PULL_RETRY_SECONDS - 1);
  expect(decidedAfter).toBeLessThan(240);
}, 300_000);
