import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { createLogger } from '../../src/logger.js';
import { followQueues } from '../../src/metrics/follow-queues.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// /metrics scraped before and after real builds, webhooks and rollouts (workers in this
// process, counted by the API from BullMQ's event streams as in production).
const kc = testKubeConfig();
const logger = createLogger({ name: 'metrics-test', level: 'warn' });
let t: TestApi;
let workers: Worker[];
let following: { close(): Promise<void> };
const p = pipeline(() => t);
const namespaces: string[] = [];

beforeAll(async () => {
  t = await startTestApi();
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
  following = followQueues({ services: t.services, metrics: t.metrics, logger });
});

afterAll(async () => {
  await following.close();
  for (const w of workers) await w.close();
  await p.cleanup();
  await t.close();
  for (const ns of namespaces) await deleteNamespace(kc, ns);
});

/** Every sample of the scrape, `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await t.api.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const sample = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

async function until(check: (samples: Map<string, number>) => boolean, what: string): Promise<Map<string, number>> {
  let last = new Map<string, number>();
  return waitFor({ timeoutMs: 60_000, check: async () => ((last = await scrape()), check(last) ? last : undefined), message: () => `metrics never showed ${what}` });
}

test('webhook deliveries, builds and queue depth', async () => {
  const before = await scrape();
  expect(before.has('slipway_queue_jobs{queue="builds",state="waiting"}')).toBe(true);
  const { repo, name, secret } = await p.newApp('dockerfile-server');
  const build = await p.build({ name, secret, repo });
  expect(build.state).toBe('succeeded');
  // A new commit: a push of the sha already built would build nothing (issue 14, replayed bodies).
  const next = await repo.commit({ 'CHANGES.md': 'next\n' });
  await p.push({ name, secret, repo, sha: next, deliveryId: 'same' });
  await p.push({ name, secret, repo, sha: next, deliveryId: 'same' });
  await p.push({ name, secret: 'wrong-secret', repo });

  const key = (state: string) => `slipway_builds_total{state="${state}",strategy="docker"}`;
  const after = await until((s) => sample(s, key('succeeded')) >= sample(before, key('succeeded')) + 1, 'the succeeded build');
  const delta = (k: string) => sample(after, k) - sample(before, k);
  expect(delta('slipway_webhook_deliveries_total{provider="github",verdict="queued"}')).toBe(2);
  expect(delta('slipway_webhook_deliveries_total{provider="github",verdict="duplicate"}')).toBe(1);
  expect(delta('slipway_webhook_deliveries_total{provider="github",verdict="rejected"}')).toBe(1);
  expect(delta('slipway_build_duration_seconds_count{state="succeeded"}')).toBeGreaterThanOrEqual(1);
  expect(delta('slipway_build_queue_wait_seconds_count')).toBeGreaterThanOrEqual(1);
});

test('rollouts by outcome, automatic rollbacks and detection latency', async () => {
  const name = `m-${randomUUID().slice(0, 8)}`;
  namespaces.push(name);
  await t.createApp({ name, repo: 'https://github.com/acme/shop.git', deploy: { readinessDeadlineSeconds: 30, podAnnotations: { 'slipway.test/behaviour': 'ready' } } });
  const before = await scrape();
  const deploy = async (behaviour: string) => {
    const image = `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
    const res = await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload: { image, deploy: { podAnnotations: { 'slipway.test/behaviour': behaviour } } } });
    return settledRelease({ releases: t.services.releases, app: name, number: (res.json() as Release).number, timeoutMs: 120_000 });
  };
  expect((await deploy('ready')).status).toBe('current');
  const failed = await deploy('crash-loop');
  expect(failed.status).toBe('failed');
  expect(failed.rolledBackTo).toBeDefined();

  const failedKey = 'slipway_rollouts_total{outcome="failed",trigger="api"}';
  const after = await until((s) => sample(s, failedKey) >= sample(before, failedKey) + 1, 'the failed rollout');
  const delta = (k: string) => sample(after, k) - sample(before, k);
  expect(delta('slipway_rollouts_total{outcome="current",trigger="api"}')).toBe(1);
  expect(delta(failedKey)).toBe(1);
  expect(delta('slipway_rollbacks_total{kind="automatic"}')).toBe(1);
  expect(delta('slipway_rollout_failure_detection_seconds_count')).toBe(1);
});
