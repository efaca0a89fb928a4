import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/apps/create-app.js';
import { enqueueBuildSucceeded, enqueueDeploy } from '../../src/queue/deploy-queue.js';
import { sweepReleases } from '../../src/queue/release-sweeper.js';
import { recordRelease } from '../../src/releases/make-release.js';
import { openServices, type Services } from '../../src/services/services.js';
import type { App, Release } from '../../src/store/types.js';
import { recordBuild } from '../helpers/builds.js';
import { testConfig } from '../helpers/config.js';

// The release reconciler on real Redis and BullMQ. No deploy worker runs here: a job the
// sweeper adds stays `waiting`, which is what these tests look for.
let s: Services;
let app: App;

beforeAll(async () => {
  s = openServices(testConfig());
});
afterAll(async () => {
  await s.deployQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await s.redis.keys(`${s.config.prefix}:*`);
  if (keys.length) await s.redis.del(...keys);
  await s.close();
});

// Each test starts from an empty queue and worklist, with an app of its own (the backfill and
// the build reports look at every app).
beforeEach(async () => {
  await s.deployQueue.obliterate({ force: true });
  for (const old of await s.apps.list()) await s.redis.zrem(s.keys.apps, old.name);
  await s.redis.del(s.keys.unsettledReleases);
  ({ app } = await createApp({ apps: s.apps, config: s.config, input: { name: `rsweep-${randomUUID().slice(0, 6)}`, repo: 'git://127.0.0.1:9/x.git' } }));
});

const digest = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
const stateOf = async (id: string) => (await s.deployQueue.getJob(id))?.getState() ?? 'missing';
/** A pending release as makeRelease records it, a minute old, with no rollout job. */
async function pendingRelease(extra: Partial<Parameters<typeof recordRelease>[1]> = {}): Promise<Release> {
  const release = await recordRelease(s.releases, { app, image: digest(), trigger: { kind: 'api' }, ...extra });
  return s.releases.update(app.name, release.number, { createdAt: new Date(Date.now() - 60_000).toISOString() });
}
const member = (r: Release) => `${r.app}#${r.number}`;

test('a pending release without a job gets its rollout queued; a second sweep changes nothing', async () => {
  const release = await pendingRelease();
  const report = await sweepReleases(s);
  expect(report!.requeued).toEqual([member(release)]);
  expect(await stateOf(`${app.name}-r${release.number}`)).toBe('waiting');
  expect((await sweepReleases(s))!.requeued).toEqual([]);
});

test('a release whose job is live (its own, or the build report that made it) is left alone', async () => {
  const own = await pendingRelease();
  await enqueueDeploy(s.deployQueue, own);
  const build = await recordBuild(s.builds, { app, ref: 'refs/heads/main', sha: 'c'.repeat(40), trigger: { kind: 'api' } });
  const fromBuild = await pendingRelease({ trigger: { kind: 'webhook', buildId: build.id } });
  await enqueueBuildSucceeded(s.deployQueue, build);
  const report = await sweepReleases(s);
  expect(report!.requeued).toEqual([]);
  expect(report!.checked).toBe(0);
  expect(await stateOf(`${app.name}-r${fromBuild.number}`)).toBe('missing');
});

test('a deploying release whose job ended without settling it is queued again, then failed after three tries', async () => {
  const release = await pendingRelease();
  await s.releases.update(app.name, release.number, { status: 'deploying', startedAt: new Date().toISOString() });
  for (let i = 1; i <= 3; i++) {
    expect((await sweepReleases(s))!.requeued).toEqual([member(release)]);
    await (await s.deployQueue.getJob(`${app.name}-r${release.number}`))!.remove();
  }
  expect((await sweepReleases(s))!.failed).toEqual([member(release)]);
  expect(await s.releases.get(app.name, release.number)).toMatchObject({ status: 'failed', failure: { reason: 'DeployJobLost' } });
  expect(await s.releases.unsettled()).toEqual([]);
});

test('a young release is left to its producer; settled ones leave the index; the backfill finds records from before the index', async () => {
  const young = await recordRelease(s.releases, { app, image: digest(), trigger: { kind: 'api' } });
  expect((await sweepReleases(s))!.requeued).toEqual([]);
  expect((await sweepReleases(s, { minAgeMs: 0 }))!.requeued).toEqual([member(young)]);
  await s.releases.update(app.name, young.number, { status: 'current' });
  expect(await s.releases.unsettled()).toEqual([]);

  const old = await pendingRelease();
  await s.releases.unindex(app.name, old.number);
  expect((await sweepReleases(s))!.requeued).toEqual([]);
  expect((await sweepReleases(s, { backfill: true }))!.requeued).toEqual([member(old)]);
});

test('the newest succeeded build of the tracked branch with no release and no report job is reported again, once', async () => {
  const build = await recordBuild(s.builds, { app, ref: `refs/heads/${app.branch}`, sha: 'd'.repeat(40), trigger: { kind: 'api' } });
  const image = { repository: '127.0.0.1:5000/app', digest: `sha256:${'e'.repeat(64)}`, tags: [] };
  await s.builds.update(build.id, { state: 'succeeded', image, finishedAt: new Date(Date.now() - 60_000).toISOString() });
  expect((await sweepReleases(s))!.reported).toEqual([build.id]);
  expect(await stateOf(`${app.name}-b${build.number}`)).toBe('waiting');
  expect((await sweepReleases(s))!.reported).toEqual([]);
});

test('several sweepers at once: one sweeps, the others see the lock', async () => {
  await pendingRelease();
  const reports = await Promise.all([sweepReleases(s), sweepReleases(s), sweepReleases(s)]);
  expect(reports.filter((r) => r === undefined).length).toBeGreaterThanOrEqual(2);
  expect(await s.deployQueue.getJobCountByTypes('waiting')).toBe(1);
});
