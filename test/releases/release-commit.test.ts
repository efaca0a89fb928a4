import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/apps/create-app.js';
import { recordRelease } from '../../src/releases/make-release.js';
import { releaseImage } from '../../src/releases/release-image.js';
import { rollBack } from '../../src/releases/roll-back.js';
import { openServices, type Services } from '../../src/services/services.js';
import type { App, Release } from '../../src/store/types.js';
import { recordBuild } from '../helpers/builds.js';
import { testConfig } from '../helpers/config.js';

// Which commit a release runs, on real Redis: given by a build, kept by whatever runs the same
// image again (a config change, a restart, a rollback to it), absent for another image by digest.
let s: Services;
let app: App;

beforeAll(async () => {
  s = openServices(testConfig());
  ({ app } = await createApp({ apps: s.apps, config: s.config, input: { name: `commit-${randomUUID().slice(0, 6)}`, repo: 'git://127.0.0.1:9/x.git' } }));
});
afterAll(async () => {
  await s.deployQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await s.redis.keys(`${s.config.prefix}:*`);
  if (keys.length) await s.redis.del(...keys);
  await s.close();
});

const digest = () => `127.0.0.1:5000/app@sha256:${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
const sha = () => randomUUID().replace(/-/g, '').padEnd(40, 'a');
/** The commit label on each object of the release: one value for all, or the list when they differ. */
const labelled = (release: Release) => [...new Set(release.manifests.map((m) => (m as { metadata: { labels: Record<string, string> } }).metadata.labels['slipway.dev/commit']))];
async function current(spec: Parameters<typeof recordRelease>[1]): Promise<Release> {
  const release = await recordRelease(s.releases, spec);
  await s.releases.setStatus(app.name, release.number, 'current');
  await s.releases.setCurrent(app.name, release.number);
  return release;
}

test('a build gives the commit; a config change of the same image keeps it; another image by digest has none; a rollback brings it back', async () => {
  const first = { image: digest(), commit: sha() };
  const built = await current({ app, ...first, trigger: { kind: 'api', buildId: `${app.name}-1` } });
  expect(built.commit).toBe(first.commit);
  expect(labelled(built)).toEqual([first.commit]);

  const config = await current({ app, config: { ...app.deploy, env: { A: '1' } }, trigger: { kind: 'config' } });
  expect(config.image).toBe(first.image);
  expect(config.commit).toBe(first.commit);
  expect(labelled(config)).toEqual([first.commit]);

  const other = await current({ app, image: digest(), trigger: { kind: 'api' } });
  expect(other).not.toHaveProperty('commit');
  expect(labelled(other)).toEqual([undefined]);

  await s.releases.setStatus(app.name, config.number, 'superseded');
  const back = await rollBack({ releases: s.releases, deployQueue: s.deployQueue, apps: s.apps }, { app: app.name, to: built.number });
  expect(back).toMatchObject({ image: first.image, commit: first.commit, trigger: { kind: 'rollback', rollbackOf: built.number } });
  expect(labelled(back)).toEqual([first.commit]);
});

test('a deploy of a build by id (POST /apps/:app/releases {buildId}) runs its commit', async () => {
  const queued = await recordBuild(s.builds, { app, ref: 'refs/heads/main', sha: sha(), trigger: { kind: 'api' } });
  const image = digest();
  const [repository, at] = image.split('@') as [string, string];
  await s.builds.update(queued.id, { state: 'succeeded', image: { repository, tags: [], digest: at } });
  const release = await releaseImage({ releases: s.releases, deployQueue: s.deployQueue, apps: s.apps, builds: s.builds, config: s.config }, { app: app.name, buildId: queued.id });
  expect(release).toMatchObject({ image, commit: queued.sha });
  expect(labelled(release)).toEqual([queued.sha]);
});
