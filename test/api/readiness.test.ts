import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { HEARTBEAT } from '../../src/queue/worker-heartbeat.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { readiness } from '../../src/services/readiness.js';
import { HeartbeatStore } from '../../src/store/heartbeat-store.js';
import { keys } from '../../src/store/keys.js';
import { createRedis } from '../../src/store/redis.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { waitFor } from '../helpers/wait.js';

// /readyz says the platform can take a push to a release: Redis answers and a build worker and
// a deploy worker beat recently (their heartbeats in Redis, written by the real worker
// factories). The API itself never talks to Docker: here DOCKER_HOST points nowhere at all.
let t: TestApi;
let heartbeats: HeartbeatStore;
const logger = createLogger({ name: 'readiness-test', level: 'warn' });
const workers: Worker[] = [];

beforeAll(async () => {
  t = await startTestApi({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  heartbeats = new HeartbeatStore(t.services.redis, t.services.keys);
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  await t.close();
});

type Answer = { status: string; checks: Array<{ name: string; ok: boolean; error?: string }> };
const readyz = async (query = '') => {
  const res = await t.api.inject(`/readyz${query}`);
  return { status: res.statusCode, body: res.json() as Answer };
};
const until = (wanted: (a: { status: number; body: Answer }) => boolean, what: string) => {
  let last: unknown;
  return waitFor({
    timeoutMs: 20_000,
    check: async () => {
      const answer = await readyz();
      last = answer;
      return wanted(answer) ? answer : undefined;
    },
    message: () => `${what}; last answer ${JSON.stringify(last)}`,
  });
};

test('no worker has beaten: 503, naming both missing workers; Redis answers', async () => {
  expect(await readyz()).toEqual({
    status: 503,
    body: {
      status: 'not ready',
      checks: [
        { name: 'redis', ok: true },
        { name: 'build-worker', ok: false, error: 'no build worker has reported in the last 15s' },
        { name: 'deploy-worker', ok: false, error: 'no deploy worker has reported in the last 15s' },
      ],
    },
  });
});

test('?exclude= leaves checks out (a pod probe that must not hang on the workers); unknown names are refused', async () => {
  expect(await readyz('?exclude=build-worker&exclude=deploy-worker')).toEqual({ status: 200, body: { status: 'ready', checks: [{ name: 'redis', ok: true }] } });
  expect((await readyz('?exclude=deploy-worker')).body.checks.map((c) => c.name)).toEqual(['redis', 'build-worker']);
  const bad = await t.api.inject('/readyz?exclude=docker');
  expect(bad.statusCode).toBe(400);
});

test('a running build worker and deploy worker: 200, with no Docker engine anywhere near the API', async () => {
  const build = createBuildWorker({ services: t.services, logger });
  const deploy = createDeployWorker({ services: t.services, kc: t.services.kubeConfig(), logger });
  workers.push(build, deploy);
  void build.run();
  void deploy.run();
  const answer = await until((a) => a.status === 200, 'the workers never made /readyz ready');
  expect(answer.body).toEqual({ status: 'ready', checks: ['redis', 'build-worker', 'deploy-worker'].map((name) => ({ name, ok: true })) });
  // One key per worker, with a TTL: a worker that stops renewing it drops out.
  const ttl = await t.services.redis.pttl(t.services.keys.worker('build', build.id));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(HEARTBEAT.ttlMs);
  expect((await heartbeats.alive('build')).map((b) => b.id)).toEqual([build.id]);
  expect((await heartbeats.alive('deploy'))[0]).toMatchObject({ id: deploy.id, pid: process.pid });
});

test('a worker that closes leaves at once: 503 names it, the other still counts', async () => {
  const [build] = workers;
  await build!.close();
  const answer = await until((a) => a.status === 503, 'closing the build worker never made /readyz 503');
  expect(answer.body.checks).toEqual([
    { name: 'redis', ok: true },
    { name: 'build-worker', ok: false, error: expect.stringContaining('no build worker') },
    { name: 'deploy-worker', ok: true },
  ]);
  expect(await t.services.redis.exists(t.services.keys.worker('build', build!.id))).toBe(0);
});

test('a worker that dies without a word drops out when its heartbeat expires, and leaves the index', async () => {
  // What a kill -9 leaves behind: one last beat, never renewed.
  await heartbeats.beat({ role: 'build', heartbeat: { id: 'killed', host: 'gone', pid: 1, startedAt: new Date().toISOString() }, ttlMs: 3000 });
  await until((a) => a.status === 200, 'the last beat never counted');
  await until((a) => a.status === 503 && a.body.checks[1]!.ok === false, 'the dead worker never dropped out');
  expect(await t.services.redis.smembers(t.services.keys.workers('build'))).toEqual([]);
});

test('Redis unreachable: every check fails within its 2 s, none hangs', async () => {
  const redis = createRedis({ redisUrl: 'redis://127.0.0.1:1' });
  redis.on('error', () => undefined);
  try {
    const started = Date.now();
    const checks = await readiness({ redis, keys: keys('nowhere') });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(checks).toEqual(['redis', 'build-worker', 'deploy-worker'].map((name) => ({ name, ok: false, error: 'timed out after 2s' })));
  } finally {
    redis.disconnect();
  }
});
