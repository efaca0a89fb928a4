// @runs-alone: it counts every container of the shared dockerd.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { killHard, spawnWorker } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

// Duplicates, bursts, cancellation and dying workers, on real Redis, dockerd, registry and git.
const logger = createLogger({ name: 'resilience-test', level: 'warn' });
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_JOB_LOCK_MS: '3000', SLIPWAY_BUILD_CONCURRENCY: '4' });
  worker = createBuildWorker({ services: t.services, logger });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  await p.cleanup();
});

test('a burst of 200 pushes to 5 apps: never more than one queued build per app, the newest sha built, no sha twice', async () => {
  const apps = await Promise.all(Array.from({ length: 5 }, () => p.newApp('dockerfile-server')));
  const shas = new Map<string, string[]>();
  for (const app of apps) {
    const list: string[] = [];
    for (let i = 0; i < 40; i++) list.push(await app.repo.commit({ 'VERSION': `${i}\n` }, `version ${i}`));
    shas.set(app.name, list);
  }
  let maxQueued = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      // A queued build is a waiting job whose record says `queued`. A job whose record was
      // cancelled while a worker held it (waiting for the branch's lock) may wait once more,
      // and ends without building at its next turn: it is no queued build.
      const jobs = await t.services.buildQueue.getJobs(['waiting', 'delayed', 'prioritized']);
      const records = jobs.length ? await t.services.redis.mget(jobs.map((job) => t.services.keys.build(job.data.buildId))) : [];
      const perApp = new Map<string, number>();
      jobs.forEach((job, i) => {
        if (records[i] && (JSON.parse(records[i]!) as { state: string }).state === 'queued') perApp.set(job.data.app, (perApp.get(job.data.app) ?? 0) + 1);
      });
      maxQueued = Math.max(maxQueued, ...perApp.values(), 0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  // Each app's pushes in commit order; the five apps at once.
  await Promise.all(apps.map(async (app) => {
    for (const sha of shas.get(app.name)!) expect((await p.push({ ...app, sha })).status).toBe(202);
  }));
  sampling = false;
  await sampler;
  expect(maxQueued).toBeLessThanOrEqual(1);

  for (const app of apps) {
    const newest = shas.get(app.name)!.at(-1)!;
    const builds = await waitFor({
      timeoutMs: 300_000,
      intervalMs: 500,
      check: async () => {
        const list = await t.services.builds.listForApp(app.name, 100);
        return list.every((b) => ['succeeded', 'failed', 'cancelled'].includes(b.state)) ? list : undefined;
      },
      message: () => `builds of ${app.name} still running`,
    });
    expect(builds).toHaveLength(40);
    const built = builds.filter((b) => b.state === 'succeeded').map((b) => b.sha);
    expect(built).toContain(newest);
    expect(new Set(built).size).toBe(built.length);
    // Coalesced: far fewer builds than pushes (how many depends on build vs push speed).
    expect(built.length).toBeLessThan(40);
    const cancelled = builds.filter((b) => b.state === 'cancelled');
    expect(cancelled.length).toBe(40 - built.length);
    expect(cancelled.every((b) => b.cancellation?.reason.startsWith('superseded by build'))).toBe(true);
  }
});

test('a redelivered push (same delivery id) is built once', async () => {
  const app = await p.newApp('dockerfile-server');
  const first = await p.push({ ...app, deliveryId: 'redelivered-1' });
  const again = await p.push({ ...app, deliveryId: 'redelivered-1' });
  expect(again.body).toEqual({ ignored: true, reason: 'duplicate delivery', buildId: first.body.buildId });
  await p.until(first.body.buildId!, ['succeeded']);
  expect(await t.services.builds.listForApp(app.name)).toHaveLength(1);
});

test('cancelling a running build stops the docker build, leaves no container, records cancelled', async () => {
  const app = await p.newApp('slow-build', { buildArgs: { RUN_ID: randomUUID() } });
  const before = (await t.services.docker.listContainers({ all: true })).length;
  const { body } = await p.push(app);
  const buildId = body.buildId!;
  await waitFor({
    timeoutMs: 120_000,
    check: async () => ((await t.services.logs.read(buildId)).some((e) => e.line.trim() === 'long step starts') ? true : undefined),
    message: () => `build ${buildId} never reached its long step`,
  });
  const res = await t.api.inject({ method: 'POST', url: `/builds/${buildId}/cancel`, headers: auth });
  expect(res.statusCode).toBe(202);
  const build = await p.until(buildId, ['cancelled', 'failed', 'succeeded'], 60_000);
  expect(build.state).toBe('cancelled');
  expect(build.cancellation).toEqual({ reason: 'cancelled through the API', step: 'building' });
  // The 30 s step was stopped, not waited out.
  expect((await t.services.logs.read(buildId)).some((e) => e.line.trim() === 'long step done')).toBe(false);
  await waitFor({
    timeoutMs: 30_000,
    check: async () => ((await t.services.docker.listContainers({ all: true })).length <= before ? true : undefined),
    message: () => 'a build container was left behind',
  });
  const again = await t.api.inject({ method: 'POST', url: `/builds/${buildId}/cancel`, headers: auth });
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('BUILD_NOT_CANCELLABLE');
});

test('kill -9 of a build worker mid-build: another worker takes the build over and finishes it', async () => {
  // An install of its own, so that only the child worker can take this build at first.
  const t2 = await startTestApi({ SLIPWAY_JOB_LOCK_MS: '3000' });
  const p2 = pipeline(() => t2);
  const child = spawnWorker({ kind: 'build', config: t2.config });
  let rescuer: Worker | undefined;
  try {
    const app = await p2.newApp('slow-build', { buildArgs: { SLEEP: '6', RUN_ID: randomUUID() } });
    const { body } = await p2.push(app);
    const buildId = body.buildId!;
    await waitFor({
      timeoutMs: 120_000,
      check: async () => ((await t2.services.logs.read(buildId)).some((e) => e.line.trim() === 'long step starts') ? true : undefined),
      message: () => `build ${buildId} never started in the child worker`,
    });
    await killHard(child);
    expect((await t2.services.builds.get(buildId)).state).toBe('building');
    rescuer = createBuildWorker({ services: t2.services, logger });
    void rescuer.run();
    const build = await p2.until(buildId, ['succeeded', 'failed'], 120_000);
    expect(build.state).toBe('succeeded');
    const log = (await t2.services.logs.read(buildId)).map((e) => e.line).join('\n');
    expect(log).toContain('--> The worker building this was lost; building again');
  } finally {
    await killHard(child);
    await rescuer?.close();
    await t2.close();
    await p2.cleanup();
  }
});

test('a secret planted in the build output never appears in the stored or streamed log', async () => {
  // Fresh per run: a cached RUN step would print nothing at all.
  const token = `npm_tok_${randomUUID().replace(/-/g, '')}`;
  const app = await p.newApp('secret-echo', { buildArgs: { NPM_TOKEN: token } });
  const { body } = await p.push(app);
  const url = await t.api.listen({ host: '127.0.0.1', port: 0 });
  const streamed = fetch(`${url}/builds/${body.buildId}/logs`, { headers: { ...auth, accept: 'text/event-stream' } }).then((r) => r.text());
  await p.until(body.buildId!, ['succeeded']);
  const stored = (await t.services.logs.read(body.buildId!)).map((e) => e.line).join('\n');
  expect(stored).toContain('using token **** for the private registry');
  expect(stored).toContain('base64 ****');
  for (const text of [stored, await streamed]) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(Buffer.from(token).toString('base64'));
  }
});

test('rotating the webhook secret: the old one is refused, the new one builds', async () => {
  const app = await p.newApp('dockerfile-server');
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app.name}/webhook-secret`, headers: auth });
  const rotated = res.json().webhook.secret as string;
  expect(rotated).toMatch(/^[0-9a-f]{48}$/);
  expect((await p.push({ ...app })).status).toBe(401);
  expect((await p.push({ ...app, secret: rotated })).status).toBe(202);
});
