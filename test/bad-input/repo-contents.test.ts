import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { FINAL_BUILD_STATES, type Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { publishTree, type PublishedRepo } from '../helpers/git-fixture.js';
import { waitFor } from '../helpers/wait.js';
import { changes, errorBody, redisSnapshot, registryTags, WORKER_CLOCK, type RedisSnapshot } from './snapshot.js';

// Hostile repo contents, as the build worker meets them: each row publishes a repo on the local
// git daemon (test/helpers/git-fixture.ts publishTree, as test/e2e/repo-contents.test.ts does,
// which covers each refusal in depth), makes an app of it, asks the API for a build and lets a
// real build worker run it. The build must end `failed` with the expected code, nothing is pushed,
// and nothing stored changes but the failed build's own records: not the app, not another app's
// builds, releases, secrets or images.

const FILE_LIMIT = 65_536;
const BASE = 'FROM slipway-local/debian:bookworm';
let t: TestApi;
let worker: Worker;
const repos: PublishedRepo[] = [];
const images: string[] = [];
// A directory of the worker's that a repo must never reach.
const workerDir = path.join(os.tmpdir(), `slipway-bad-input-worker-${randomUUID().slice(0, 8)}`);
let goodBuild: Build;
// Unique: the registry is shared by every run, and an image repository is named after its app.
const GOOD = `good-${randomUUID().slice(0, 6)}`;

interface HostileRepo {
  fixture?: string;
  files?: Record<string, string>;
  links?: Record<string, string>;
  /** App settings beyond name and repo. */
  app?: Record<string, unknown>;
  /** Build this commit instead of the branch head. */
  sha?: string;
}
/** A build that must fail with `code`, its reason matching `why`; or a build request refused with `status` and `code`. */
type Row = [name: string, repo: HostileRepo, expected: { state: 'failed'; code: string; why: RegExp } | { status: number; code: string }];

const ROWS: Row[] = [
  ['.s2i/environment linked to /etc/passwd', { fixture: 'node-server', links: { '.s2i/environment': '/etc/passwd' } }, { state: 'failed', code: 'BUILD_REPO_INVALID', why: /repo file "\.s2i\/environment" refused: .*symbolic link/ }],
  ['the context dir linked to a worker directory', { files: { 'README.md': 'x\n' }, links: { app: workerDir }, app: { contextDir: 'app' } }, { state: 'failed', code: 'BUILD_REPO_INVALID', why: /repo file "app" refused: .*symbolic link/ }],
  [
    'the Dockerfile path through a folder linked to /etc',
    { files: { 'README.md': 'x\n' }, links: { docker: '/etc' }, app: { dockerfile: 'docker/passwd' } },
    { state: 'failed', code: 'BUILD_REPO_INVALID', why: /repo file "docker\/passwd" refused: / },
  ],
  ['package.json linked to /dev/zero', { files: { 'server.js': '' }, links: { 'package.json': '/dev/zero' } }, { state: 'failed', code: 'BUILD_REPO_INVALID', why: /repo file "package\.json" refused: .*symbolic link/ }],
  [
    'an oversize package.json',
    { fixture: 'node-server', files: { 'package.json': JSON.stringify({ name: 'big', description: 'x'.repeat(FILE_LIMIT), scripts: { start: 'node server.js' } }) } },
    { state: 'failed', code: 'BUILD_REPO_INVALID', why: new RegExp(`repo file "package\\.json" refused: .*larger than the ${FILE_LIMIT}-byte limit`) },
  ],
  // As test/e2e/push-to-image.test.ts has it: the commit has no such directory, a clone-step failure.
  ['a context dir that does not exist', { files: { 'README.md': 'x\n' }, app: { contextDir: 'services/api' } }, { state: 'failed', code: 'BUILD_CLONE_FAILED', why: /context dir "services\/api" does not exist at [0-9a-f]{40}/ }],
  ['a Dockerfile that fails', { fixture: 'failing-dockerfile' }, { state: 'failed', code: 'BUILD_IMAGE_FAILED', why: /returned a non-zero code: 3/ }],
  ['a commit the repo does not have', { fixture: 'failing-dockerfile', sha: 'd'.repeat(40) }, { state: 'failed', code: 'BUILD_CLONE_FAILED', why: /commit d{40} does not exist in git:\/\// }],
  ['a branch the repo does not have', { fixture: 'failing-dockerfile', app: { branch: 'no-such-branch' } }, { status: 422, code: 'REPO_REF_NOT_FOUND' }],
];

beforeAll(async () => {
  t = await startTestApi({ SLIPWAY_REPO_FILE_LIMIT: String(FILE_LIMIT) });
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'bad-input-build-worker', level: 'error' }) });
  void worker.run();
  await mkdir(workerDir);
  await writeFile(path.join(workerDir, 'Dockerfile'), `${BASE}\nCMD ["true"]\n`);

  // Another app with real history: a succeeded build (pushed), a release of it, env and secrets.
  const good = await publishTree({ name: 'good', files: { Dockerfile: `${BASE}\nARG NONCE\nRUN echo "built $NONCE"\nCMD ["true"]\n` } });
  repos.push(good);
  await t.createApp({ name: GOOD, repo: good.url, buildArgs: { NONCE: randomUUID() }, deploy: { autoDeploy: false, env: { GREETING: 'hi' } } });
  const inject = async (method: 'POST' | 'PATCH', url: string, payload: unknown, status: number) => {
    const res = await t.api.inject({ method, url, headers: auth, payload: payload as object });
    if (res.statusCode !== status) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown>;
  };
  await inject('PATCH', `/apps/${GOOD}/secrets`, { set: { API_KEY: 'sk-live-0123456789abcdef' } }, 200);
  const queued = await inject('POST', `/apps/${GOOD}/builds`, {}, 202);
  goodBuild = await settled(queued.id as string);
  if (goodBuild.state !== 'succeeded') throw new Error(`the seeded build ${goodBuild.state}: ${JSON.stringify(goodBuild.failure)}`);
  images.push(...goodBuild.image!.tags);
  await inject('POST', `/apps/${GOOD}/releases`, { buildId: goodBuild.id }, 202);
}, 600_000);

afterAll(async () => {
  await worker?.close();
  for (const image of images) await t.services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await t?.close();
  for (const repo of repos) await repo.cleanup();
  await rm(workerDir, { recursive: true, force: true });
});

async function settled(buildId: string): Promise<Build> {
  let last: Build | undefined;
  return waitFor({
    timeoutMs: 300_000,
    intervalMs: 200,
    check: async () => {
      last = await t.services.builds.get(buildId);
      return FINAL_BUILD_STATES.includes(last.state) ? last : undefined;
    },
    message: () => `build ${buildId} is ${last?.state}`,
  });
}

/** Everything under the prefix but what the running worker rewrites on its own clock (snapshot.ts). */
const snapshot = () => redisSnapshot({ redis: t.services.redis, prefix: t.config.prefix, skip: WORKER_CLOCK(t.config.prefix) });

/** The keys a build of `app` may add or change: its own records, the app's build index and counter, the queue's. */
function buildKeys(prefix: string, app: string, buildId?: string): RegExp {
  const own = buildId ? `build:${buildId}(:.*)?` : '(?!)';
  return new RegExp(`^${prefix}:(${own}|app:${app}:(builds|build-seq|built-shas|branch:.*)|queued-builds)$`);
}

test('the seeded state is there to be damaged', async () => {
  const keys = Object.keys(await snapshot()).map((k) => k.slice(t.config.prefix.length + 1));
  expect(keys).toEqual(expect.arrayContaining([`app:${GOOD}`, `build:${goodBuild.id}`, `build:${goodBuild.id}:log`, `app:${GOOD}:release:1`, `app:${GOOD}:webhook-secret`]));
  expect(await registryTags(GOOD)).toEqual([`build-${goodBuild.number}`, goodBuild.sha.slice(0, 7)].sort());
});

test.each(ROWS.map(([name, repo, expected]) => [`${name} → ${'state' in expected ? `${expected.state} ${expected.code}` : `${expected.status} ${expected.code}`}`, repo, expected] as const))(
  '%s; nothing else stored changes',
  async (_name, repo, expected) => {
    const published = await publishTree({ name: 'hostile', fixture: repo.fixture, files: repo.files, links: repo.links });
    repos.push(published);
    const app = `hostile-${randomUUID().slice(0, 6)}`;
    await t.createApp({ name: app, repo: published.url, branch: published.branch, deploy: { autoDeploy: false }, ...repo.app });
    const goodTags = await registryTags(GOOD);
    const before: RedisSnapshot = await snapshot();

    const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/builds`, headers: auth, payload: repo.sha ? { sha: repo.sha } : {} });
    let buildId: string | undefined;
    if ('status' in expected) {
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: expected.status, body: errorBody(expected.code, res.json()) });
    } else {
      expect(res.statusCode).toBe(202);
      buildId = res.json().id as string;
      const build = await settled(buildId);
      expect({ state: build.state, code: build.failure?.code }).toEqual({ state: expected.state, code: expected.code });
      expect(build.failure!.reason).toMatch(expected.why);
      expect(build.image).toBeUndefined();
      // Nothing of the worker's disk in what the build left behind.
      const log = (await t.services.logs.read(buildId)).map((e) => e.line).join('\n');
      for (const text of [JSON.stringify(build), log]) expect(text).not.toContain('root:x:0:0:');
    }

    const after = await snapshot();
    const changed = changes(before, after);
    expect(changed.filter((c) => !buildKeys(t.config.prefix, app, buildId).test(c.key))).toEqual([]);
    if (buildId) expect(changed).toContainEqual({ key: `${t.config.prefix}:build:${buildId}`, change: 'added' });
    else expect(changed).toEqual([]);
    // Nothing pushed for it; the other app's images as they were.
    expect(await registryTags(app)).toEqual([]);
    expect(await registryTags(GOOD)).toEqual(goodTags);
  },
  600_000,
);
