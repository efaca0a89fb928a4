import { randomUUID } from 'node:crypto';
import { type Queue, Worker } from 'bullmq';
import { enqueueBuild } from '../../src/queue/build-queue.js';
import { bullPrefix } from '../../src/queue/create-queue.js';
import { enqueueBuildSucceeded, enqueueDeploy } from '../../src/queue/deploy-queue.js';
import { openServices, type Services } from '../../src/services/services.js';
import { createRedis } from '../../src/store/redis.js';
import type { Build, Release } from '../../src/store/types.js';
import { testConfig } from '../helpers/config.js';

// Job ids derived from records (`<app>-<n>`, `<app>-r<n>`, `<app>-b<n>`) on real BullMQ: a finished
// job a deleted app left under the id no longer swallows the new record's job, while a record's own
// job, finished or not, is never queued twice.
let s: Services;
const app = `fresh-${randomUUID().slice(0, 6)}`;

beforeAll(() => {
  s = openServices(testConfig());
});
beforeEach(async () => {
  await s.buildQueue.obliterate({ force: true });
  await s.deployQueue.obliterate({ force: true });
});
afterAll(async () => {
  await s.buildQueue.obliterate({ force: true }).catch(() => undefined);
  await s.deployQueue.obliterate({ force: true }).catch(() => undefined);
  await s.close();
});

/** Runs the next job of `queue` to completion by hand (BullMQ's manual processing), as a worker would have. */
async function finishNext(queue: Queue, id: string): Promise<void> {
  const connection = createRedis(s.config);
  const worker = new Worker(queue.name, null, { connection, prefix: bullPrefix(s.config.prefix) });
  try {
    const token = randomUUID();
    const job = await worker.getNextJob(token);
    if (job?.id !== id) throw new Error(`expected job ${id} next, got ${job?.id}`);
    await job.moveToCompleted({}, token, false);
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const build = (createdAt: string): Build => ({ id: `${app}-1`, app, number: 1, ref: 'refs/heads/main', sha: 'a'.repeat(40), state: 'queued', trigger: { kind: 'api' }, createdAt });
const release = (createdAt: string) => ({ app, number: 1, createdAt }) as Release;

describe.each([
  ['build', () => s.buildQueue as Queue, `${app}-1`, (createdAt: string) => enqueueBuild(s.buildQueue, build(createdAt))],
  ['deploy', () => s.deployQueue as Queue, `${app}-r1`, (createdAt: string) => enqueueDeploy(s.deployQueue, release(createdAt))],
  ['build-succeeded', () => s.deployQueue as Queue, `${app}-b1`, (createdAt: string) => enqueueBuildSucceeded(s.deployQueue, build(createdAt))],
])('%s jobs', (_kind, queue, jobId, enqueue) => {
  test("a finished job from before the record (a deleted app's) is replaced: the new record's job waits", async () => {
    await enqueue(at(120_000));
    await finishNext(queue(), jobId);
    expect(await (await queue().getJob(jobId))!.getState()).toBe('completed');
    const createdAt = at(0);
    await enqueue(createdAt);
    const job = (await queue().getJob(jobId))!;
    expect(await job.getState()).toBe('waiting');
    expect(job.timestamp).toBeGreaterThanOrEqual(Date.parse(createdAt));
  });

  test("the record's own finished job stays finished (a retried producer queues nothing twice)", async () => {
    const createdAt = at(60_000);
    await enqueue(createdAt);
    await finishNext(queue(), jobId);
    await enqueue(createdAt);
    expect(await (await queue().getJob(jobId))!.getState()).toBe('completed');
    expect(await queue().getJobCountByTypes('waiting')).toBe(0);
  });

  test('a waiting job stays the one job', async () => {
    await enqueue(at(120_000));
    const first = (await queue().getJob(jobId))!;
    await enqueue(at(0));
    const job = (await queue().getJob(jobId))!;
    expect(job.timestamp).toBe(first.timestamp);
    expect(await queue().getJobCountByTypes('waiting')).toBe(1);
  });
});
