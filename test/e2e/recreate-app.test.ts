import type { ChildProcess } from 'node:child_process';
import { FINAL_BUILD_STATES } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { killHard, spawnWorker } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { recordBuild } from '../helpers/builds.js';

// Ids that never collide and builds that never stay queued, end to end: the real build worker
// process (workers/build-worker.ts), real Redis/BullMQ, dockerd, the registry and the git daemon.
let t: TestApi;
let worker: ChildProcess | undefined;
const p = pipeline(() => t);
const FINAL = [...FINAL_BUILD_STATES];
// A build of this fixture takes seconds; a build that never starts must fail the test, not hang it.
const BUILD_MS = 240_000;

beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  if (worker) await killHard(worker);
  await p.cleanup();
  await t.close();
});

const startWorker = () => {
  worker = spawnWorker({ kind: 'build', config: t.config });
};

const recreate = async (app: { name: string; repo: { url: string; branch: string } }) => {
  expect((await t.api.inject({ method: 'DELETE', url: `/apps/${app.name}`, headers: auth })).statusCode).toBe(200);
  const { secret } = await t.createApp({ name: app.name, repo: app.repo.url, branch: app.repo.branch, deploy: { autoDeploy: false } });
  return secret;
};

test('an app deleted and created again under its name builds at once; its build ids go on from the deleted one', async () => {
  startWorker();
  const app = await p.newApp('dockerfile-server');
  const first = await p.until((await p.push(app)).body.buildId!, FINAL, BUILD_MS);
  expect(first).toMatchObject({ id: `${app.name}-1`, state: 'succeeded' });
  await p.expectPushed(first);

  const secret = await recreate(app);
  // The same commit: the re-created app remembers nothing of the deleted one's builds.
  const reply = await p.push({ ...app, secret });
  expect(reply.body.buildId).toBe(`${app.name}-2`);
  const second = await p.until(reply.body.buildId!, FINAL, BUILD_MS);
  expect(second.state).toBe('succeeded');
  // Its own job, tag and log: nothing of build 1 is reused.
  await p.expectPushed(second);
  const job = await t.services.buildQueue.getJob(second.id);
  expect(job?.data).toEqual({ buildId: second.id, app: app.name });
  expect(await p.log(second.id)).not.toContain(`${app.name}:build-1`);
});

test('an app deleted before numbers outlived apps (its counter gone): the new build 1 is not swallowed by the old job 1', async () => {
  if (!worker) startWorker();
  const app = await p.newApp('dockerfile-server');
  const old = await p.until((await p.push(app)).body.buildId!, FINAL, BUILD_MS);
  expect(old).toMatchObject({ id: `${app.name}-1`, state: 'succeeded' });
  // The record is final a moment before its job is.
  await waitFor({
    timeoutMs: 30_000,
    check: async () => ((await (await t.services.buildQueue.getJob(old.id))?.getState()) === 'completed' ? true : undefined),
    message: () => `job ${old.id} never completed`,
  });

  const secret = await recreate(app);
  // What deleting an app did before: the build counter went with it.
  await t.services.redis.del(t.services.keys.buildSeq(app.name));
  const reply = await p.push({ ...app, secret });
  expect(reply.body.buildId).toBe(`${app.name}-1`);
  const again = await p.until(reply.body.buildId!, FINAL, BUILD_MS);
  expect(again.state).toBe('succeeded');
  expect(Date.parse(again.createdAt)).toBeGreaterThan(Date.parse(old.createdAt));
});

test('a build left queued without a job (the API died between record and job) is built by the next worker to start', async () => {
  if (worker) await killHard(worker);
  worker = undefined;
  const app = await p.newApp('dockerfile-server');
  const record = await t.services.apps.get(app.name);
  // The record only, as an API that died before queueing would leave it, a minute old.
  const created = await recordBuild(t.services.builds, { app: record, ref: `refs/heads/${app.repo.branch}`, sha: app.repo.sha, trigger: { kind: 'api' } });
  await t.services.builds.update(created.id, { createdAt: new Date(Date.now() - 60_000).toISOString() });
  expect(await t.services.buildQueue.getJob(created.id)).toBeUndefined();

  startWorker();
  const built = await p.until(created.id, FINAL, BUILD_MS);
  expect(built.state).toBe('succeeded');
  expect(await p.log(created.id)).toContain('--> Queued again: its queue job was missing');
});
