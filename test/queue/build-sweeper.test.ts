import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { createApp } from '../../src/apps/create-app.js';
import { enqueueBuild } from '../../src/queue/build-queue.js';
import { sweepQueuedBuilds } from '../../src/queue/build-sweeper.js';
import { bullPrefix } from '../../src/queue/create-queue.js';
import { QUEUES } from '../../src/queue/names.js';
import { openServices, type Services } from '../../src/services/services.js';
import { createRedis } from '../../src/store/redis.js';
import type { App, Build } from '../../src/store/types.js';
import { testConfig } from '../helpers/config.js';
import { recordBuild } from '../helpers/builds.js';

// The queue sweeper on real Redis and BullMQ. No build worker runs here: a job the sweeper adds
// stays `waiting`, which is what these tests look for. Old finished jobs are made the way BullMQ
// documents for manual processing (Worker.getNextJob + moveToCompleted).
let s: Services;
let app: App;

beforeAll(async () => {
  s = openServices(testConfig());
  ({ app } = await createApp({ apps: s.apps, config: s.config, input: { name: `sweep-${randomUUID().slice(0, 6)}`, repo: 'git://127.0.0.1:9/x.git' } }));
});
afterAll(async () => {
  await s.buildQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await s.redis.keys(`${s.config.prefix}:*`);
  if (keys.length) await s.redis.del(...keys);
  await s.close();
});

// Each test starts from an empty queue and an empty worklist.
beforeEach(async () => {
  await s.buildQueue.obliterate({ force: true });
  await s.redis.del(s.keys.unfinishedBuilds);
});

const sha = () => randomUUID().replace(/-/g, '').padEnd(40, '0').slice(0, 40);
/** A build record as queueBuild writes it, its createdAt moved back so the sweeper's minimum age has passed. */
async function queuedRecord(params: { branch?: string; ageMs?: number } = {}): Promise<Build> {
  const build = await recordBuild(s.builds, { app, ref: `refs/heads/${params.branch ?? 'main'}`, sha: sha(), trigger: { kind: 'api' } });
  return s.builds.update(build.id, { createdAt: new Date(Date.now() - (params.ageMs ?? 60_000)).toISOString() });
}
const stateOf = async (id: string) => (await s.buildQueue.getJob(id))?.getState() ?? 'missing';

/** Runs the waiting job `id` to completion by hand, as a build worker of an earlier app would have. */
async function finishJob(id: string): Promise<void> {
  const connection = createRedis(s.config);
  const worker = new Worker(QUEUES.builds, null, { connection, prefix: bullPrefix(s.config.prefix) });
  try {
    const token = randomUUID();
    const job = await worker.getNextJob(token);
    if (job?.id !== id) throw new Error(`expected job ${id} next, got ${job?.id}`);
    await job.moveToCompleted({ state: 'succeeded' }, token, false);
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

test('a queued build without a job is queued again, and its log says so', async () => {
  const build = await queuedRecord();
  expect(await stateOf(build.id)).toBe('missing');
  const report = await sweepQueuedBuilds(s);
  expect(report!.requeued).toContain(build.id);
  expect(await stateOf(build.id)).toBe('waiting');
  expect((await s.logs.read(build.id)).map((e) => e.line)).toContain('--> Queued again: its queue job was missing');
  expect((await s.builds.get(build.id)).state).toBe('queued');
});

test('a build whose job is live is left alone; a second sweep changes nothing', async () => {
  const build = await queuedRecord();
  await enqueueBuild(s.buildQueue, build);
  const job = await s.buildQueue.getJob(build.id);
  const report = await sweepQueuedBuilds(s);
  expect(report!.requeued).not.toContain(build.id);
  expect((await s.buildQueue.getJob(build.id))!.timestamp).toBe(job!.timestamp);
  const again = await sweepQueuedBuilds(s);
  expect([...again!.requeued, ...again!.superseded, ...again!.failed]).toEqual([]);
});

test('a finished job left under the id (an earlier app of the same name) is replaced by this build\'s', async () => {
  const build = await queuedRecord();
  await enqueueBuild(s.buildQueue, build);
  await finishJob(build.id);
  // The record still says queued: the job that finished was not this build's run.
  expect(await stateOf(build.id)).toBe('completed');
  const report = await sweepQueuedBuilds(s);
  expect(report!.requeued).toContain(build.id);
  expect(await stateOf(build.id)).toBe('waiting');
  expect((await s.logs.read(build.id)).map((e) => e.line)).toContain("--> Queued again: its queue job was completed, not this build's");
});

test('a queued build a newer one of its branch replaced is cancelled as superseded, not built', async () => {
  const older = await queuedRecord({ branch: 'feature/a' });
  const newer = await queuedRecord({ branch: 'feature/a' });
  await s.redis.set(s.keys.queuedBuild(app.name, 'feature/a'), newer.id);
  const report = await sweepQueuedBuilds(s);
  expect(report!.superseded).toEqual([older.id]);
  expect(report!.requeued).toContain(newer.id);
  expect(await s.builds.get(older.id)).toMatchObject({ state: 'cancelled', cancellation: { step: 'queued', reason: expect.stringContaining(`superseded by build ${newer.id}`) } });
  expect(await stateOf(older.id)).toBe('missing');
});

test('a build whose job keeps vanishing is failed with BUILD_JOB_LOST after 3 tries', async () => {
  const build = await queuedRecord();
  for (let i = 1; i <= 3; i++) {
    expect((await sweepQueuedBuilds(s))!.requeued).toContain(build.id);
    await (await s.buildQueue.getJob(build.id))!.remove();
  }
  const report = await sweepQueuedBuilds(s);
  expect(report!.failed).toEqual([build.id]);
  expect(await s.builds.get(build.id)).toMatchObject({ state: 'failed', failure: { step: 'queued', code: 'BUILD_JOB_LOST' } });
  expect(await s.builds.unfinishedIds()).not.toContain(build.id);
});

test('a build younger than the minimum age is left to its producer', async () => {
  const build = await recordBuild(s.builds, { app, ref: 'refs/heads/main', sha: sha(), trigger: { kind: 'api' } });
  expect((await sweepQueuedBuilds(s))!.requeued).not.toContain(build.id);
  expect(await stateOf(build.id)).toBe('missing');
  expect((await sweepQueuedBuilds(s, { minAgeMs: 0 }))!.requeued).toContain(build.id);
});

test('records from before the queued index are found by the start-up backfill', async () => {
  const build = await queuedRecord();
  await s.builds.unindex(build.id);
  expect((await sweepQueuedBuilds(s))!.requeued).not.toContain(build.id);
  expect((await sweepQueuedBuilds(s, { backfill: true }))!.requeued).toContain(build.id);
  expect(await stateOf(build.id)).toBe('waiting');
});

test('a record that is gone or finished leaves the index', async () => {
  const gone = await queuedRecord();
  await s.redis.del(s.keys.build(gone.id));
  const finished = await queuedRecord();
  // Written as an older worker would, without the index.
  await s.redis.set(s.keys.build(finished.id), JSON.stringify({ ...finished, state: 'succeeded' }));
  await sweepQueuedBuilds(s);
  const unfinished = await s.builds.unfinishedIds();
  expect(unfinished).not.toContain(gone.id);
  expect(unfinished).not.toContain(finished.id);
  expect(await stateOf(finished.id)).toBe('missing');
});

test('a running build whose worker and job were both lost is queued again, from the clone', async () => {
  const build = await queuedRecord();
  await s.builds.update(build.id, { state: 'building', startedAt: new Date().toISOString() });
  const report = await sweepQueuedBuilds(s);
  expect(report!.requeued).toEqual([build.id]);
  expect((await s.builds.get(build.id)).state).toBe('queued');
  expect(await stateOf(build.id)).toBe('waiting');
  expect((await s.logs.read(build.id)).map((e) => e.line)).toContain('--> Queued again: its worker and its queue job were lost while building');
});

test('a running build whose job ended without it (failed as stalled, its last worker dead too) is failed BUILD_WORKER_LOST', async () => {
  const build = await queuedRecord();
  await enqueueBuild(s.buildQueue, build);
  await finishJob(build.id);
  await s.builds.update(build.id, { state: 'pushing' });
  const report = await sweepQueuedBuilds(s);
  expect(report!.failed).toEqual([build.id]);
  expect(await s.builds.get(build.id)).toMatchObject({ state: 'failed', failure: { step: 'pushing', code: 'BUILD_WORKER_LOST' } });
  expect(await s.builds.unfinishedIds()).not.toContain(build.id);
});

test('several sweepers at once: one sweeps, the others see the lock; the build gets one job', async () => {
  const build = await queuedRecord();
  const reports = await Promise.all([sweepQueuedBuilds(s), sweepQueuedBuilds(s), sweepQueuedBuilds(s)]);
  expect(reports.filter((r) => r === undefined).length).toBeGreaterThanOrEqual(2);
  expect(reports.find((r) => r)!.requeued).toContain(build.id);
  expect(await s.buildQueue.getJobCountByTypes('waiting')).toBe(1);
});
