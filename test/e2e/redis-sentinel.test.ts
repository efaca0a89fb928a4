// @runs-alone: its sentinels' 3 s down-after would see a starved primary as down.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { FINAL_BUILD_STATES } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { pipeline } from '../helpers/pipeline.js';
import { startSentinelSet, type SentinelSet } from '../helpers/redis-sentinel.js';
import { waitFor } from '../helpers/wait.js';

// Redis behind Sentinel (issue 17, docs/scaling-and-redis.md): a primary with AOF, two replicas
// and three sentinels of the test's own, on loopback. Slipway's API and a build worker reach
// Redis only through the sentinels (SLIPWAY_REDIS_URL names a port nothing listens on); the
// primary is made a replica while up (a forced failover), then SIGKILLed twice; each time a
// replica is promoted, and no build is lost.
const logger = createLogger({ name: 'redis-sentinel-test', level: 'warn' });
let redis: SentinelSet;
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);
const FINAL = [...FINAL_BUILD_STATES];
// While the primary is gone the worker's and the queues' connections fail to connect; nothing else may go wrong.
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|All sentinels are unreachable|Connection is closed/;
const redisErrors: string[] = [];

beforeAll(async () => {
  redis = await startSentinelSet({ replicas: 2, sentinels: 3 });
  t = await startTestApi(redis.env);
  worker = createBuildWorker({ services: t.services, logger });
  const record = (error: Error) => redisErrors.push(error.message);
  worker.on('error', record);
  t.services.buildQueue.on('error', record);
  t.services.deployQueue.on('error', record);
  void worker.run();
});

afterAll(async () => {
  // Forced: a test that failed half-way may leave a job that would otherwise be waited for.
  await worker?.close(true);
  await t?.api.close();
  await p.cleanup();
  await t?.services.close();
  // Every key lived in this set's own Redis, which goes with it.
  await redis?.close();
});

test('a failover with the old primary still up: Slipway moves at once, and what it writes after the switch is kept', async () => {
  const app = await p.newApp('dockerfile-server');
  await redis.waitReplicated();
  // Forced here; the same happens when the sentinels lose sight of a live primary. The demoted
  // primary goes on answering as one until the sentinels convert it, seconds later, and drops
  // what it took meanwhile: a push made now must reach the promoted replica.
  const { demoted, promoted } = await redis.failover();
  const pushed = await p.push(app);
  expect(pushed.status).toBe(202);
  await waitFor({
    timeoutMs: 120_000,
    check: async () => ((await redis.role(demoted)) === 'slave' ? true : undefined),
    message: () => `the sentinels never converted ${demoted} to a replica of ${promoted}`,
  });
  await redis.waitReplicated();

  const build = await p.until(pushed.body.buildId!, FINAL, 300_000);
  expect(build.state).toBe('succeeded');
  await p.expectPushed(build);
  expect((await t.services.builds.listForApp(app.name)).map((b) => b.id)).toEqual([pushed.body.buildId]);
  expect(redisErrors.filter((message) => !CONNECTION_ERROR.test(message))).toEqual([]);
}, 600_000);

test('a build queued before the primary is SIGKILLed and a push after the failover are both built, once', async () => {
  expect(t.config.redisSentinel?.sentinels).toHaveLength(3);
  expect(new URL(t.config.redisUrl).port).toBe('1');
  const first = await p.newApp('dockerfile-server');
  const second = await p.newApp('dockerfile-server');
  const before = await p.build(first);
  expect(before.state).toBe('succeeded');

  // A build queued and not yet taken when the primary dies: the queue is paused in Redis.
  await t.services.buildQueue.pause();
  const queued = await p.push(second);
  expect(queued.status).toBe(202);
  expect(await t.services.buildQueue.getJobState(queued.body.buildId!)).toBe('waiting');
  // Replication is asynchronous: what the primary took but no replica had yet is lost with it
  // (docs/scaling-and-redis.md). Here everything is replicated first, so any loss is Slipway's.
  await redis.waitReplicated();

  const { killed, promoted } = await redis.killPrimary();
  expect(redis.ports).toContain(promoted);
  expect(promoted).not.toBe(killed);

  await t.services.buildQueue.resume();
  const sha = await first.repo.commit({ VERSION: '2\n' }, 'after the failover');
  const after = await p.push({ ...first, sha });
  expect(after.status).toBe(202);
  const [queuedBuild, afterBuild] = await Promise.all([p.until(queued.body.buildId!, FINAL, 300_000), p.until(after.body.buildId!, FINAL, 300_000)]);
  expect(queuedBuild.state).toBe('succeeded');
  expect(afterBuild).toMatchObject({ state: 'succeeded', sha });
  // Pushed, with both tags at the recorded digest: the builds did not only end, they finished.
  for (const build of [before, queuedBuild, afterBuild]) await p.expectPushed(build);
  // Nothing lost, nothing twice: the build from before the kill is still there, and no other ran.
  expect((await t.services.builds.get(before.id)).state).toBe('succeeded');
  expect((await t.services.builds.listForApp(first.name)).map((b) => b.id).sort()).toEqual([before.id, after.body.buildId].sort());
  expect((await t.services.builds.listForApp(second.name)).map((b) => b.id)).toEqual([queued.body.buildId]);
  expect(redisErrors.filter((message) => !CONNECTION_ERROR.test(message))).toEqual([]);
}, 600_000);

test('a build running when the primary is SIGKILLed finishes through the promoted replica', async () => {
  const app = await p.newApp('slow-build', { buildArgs: { SLEEP: '8', RUN_ID: randomUUID() } });
  const { status, body } = await p.push(app);
  expect(status).toBe(202);
  const buildId = body.buildId!;
  await waitFor({
    timeoutMs: 120_000,
    check: async () => ((await t.services.logs.read(buildId)).some((e) => e.line.trim() === 'long step starts') ? true : undefined),
    message: () => `build ${buildId} never reached its long step`,
  });
  await redis.waitReplicated();
  await redis.killPrimary();

  const build = await p.until(buildId, FINAL, 300_000);
  expect(build.state).toBe('succeeded');
  await p.expectPushed(build);
  const log = await p.log(buildId);
  expect(log).toContain('long step done');
  expect(await t.services.builds.listForApp(app.name)).toHaveLength(1);
  expect(redisErrors.filter((message) => !CONNECTION_ERROR.test(message))).toEqual([]);
}, 600_000);
