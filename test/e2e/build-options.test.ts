// @runs-alone: it starts a second dockerd, which rewrites the host's iptables chains the shared one uses.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { runBuild, type BuildDeps } from '../../src/builds/run-build.js';
import { createLogger } from '../../src/logger.js';
import type { Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { runAndFetch } from '../helpers/containers.js';
import type { PublishedRepo } from '../helpers/git-fixture.js';
import { pipeline } from '../helpers/pipeline.js';
import { registryDigest } from '../helpers/registry.js';
import { startSecondDocker, type SecondDocker } from '../helpers/second-docker.js';
import { recordBuild } from '../helpers/builds.js';

// Build overrides, build secrets and the dependency cache, through runBuild on real engines:
// the test's own dockerd, and a second, empty one standing for a fresh worker.
let t: TestApi;
let deps: BuildDeps;
let fresh: SecondDocker | undefined;
const p = pipeline(() => t);

beforeAll(async () => {
  t = await startTestApi();
  deps = { ...t.services, builders: loadBuilders(), logger: createLogger({ name: 'test-build', level: 'warn' }) };
});

afterAll(async () => {
  await fresh?.stop();
  await p.cleanup();
  await t.close();
});

/** Builds `sha` of the app on the given engine, as a worker would. */
async function buildOn(docker: Docker, params: { name: string; repo: PublishedRepo; sha?: string }): Promise<Build> {
  const app = await t.services.apps.get(params.name);
  const build = await recordBuild(t.services.builds, { app, ref: `refs/heads/${params.repo.branch}`, sha: params.sha ?? params.repo.sha, trigger: { kind: 'api' } });
  return runBuild({ ...deps, docker }, build.id);
}

/** Whether the build log shows the step matching `instruction` answered from cache. */
function cached(log: string, instruction: RegExp): boolean {
  const lines = log.split('\n');
  const step = lines.findIndex((l) => /^Step \d+\/\d+ : /.test(l) && instruction.test(l));
  if (step < 0) throw new Error(`no step matching ${instruction} in the log:\n${log}`);
  return lines[step + 1]?.trim() === '---> Using cache';
}

async function fileSystemContains(docker: Docker, image: string, needle: string): Promise<boolean> {
  const container = await docker.createContainer({ Image: image });
  try {
    const bytes = Buffer.from(needle);
    let tail = Buffer.alloc(0);
    for await (const chunk of (await container.export()) as AsyncIterable<Buffer>) {
      const window = Buffer.concat([tail, chunk]);
      if (window.includes(bytes)) return true;
      tail = window.subarray(Math.max(0, window.length - bytes.length));
    }
    return false;
  } finally {
    await container.remove({ force: true });
  }
}

test('.s2i overrides and a build secret: used by the build, absent from the image', async () => {
  const { repo, name } = await p.newApp('s2i-overrides');
  const token = randomBytes(16).toString('hex');
  const set = await t.api.inject({ method: 'PUT', url: `/apps/${name}/build-secrets`, headers: auth, payload: { secrets: { NPM_TOKEN: token } } });
  expect(set.statusCode).toBe(200);
  expect(set.body).not.toContain(token);
  expect(set.json().secrets).toEqual([{ name: 'NPM_TOKEN', sha256: expect.stringMatching(/^[0-9a-f]{12}$/) }]);

  const build = await buildOn(t.services.docker, { name, repo });
  const reference = await p.expectPushed(build);
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining([
      'build env from .s2i/environment: BUILD_ONLY',
      'runtime env from .s2i/runtime-environment: GREETING',
      'build: .s2i/bin/assemble',
      'start: .s2i/bin/run',
    ]),
  );

  const { body, user } = await runAndFetch({ docker: t.services.docker, image: reference });
  expect(user).toBe('1001');
  expect(body).toEqual({
    app: 's2i-overrides',
    built: { assembledBy: 's2i-assemble', buildOnly: 'from-s2i-environment', greeting: 'hello from runtime-environment', tokenLength: 32 },
    runtime: { buildOnly: null, greeting: 'hello from runtime-environment', startedBy: 's2i-run', token: null },
    uid: 1001,
  });

  const image = t.services.docker.getImage(reference);
  expect(JSON.stringify(await image.history())).not.toContain(token);
  expect(JSON.stringify((await image.inspect()).Config)).not.toContain(token);
  expect(await fileSystemContains(t.services.docker, reference, token)).toBe(false);
  const log = await p.log(build.id);
  expect(log).not.toContain(token);
  // The dependency stage's history would carry the secret: it stays on this worker.
  expect(log).toContain('--> Dependency cache not pushed: this app has build secrets');
  expect(await registryDigest({ repository: name, tag: 'cache-deps' })).toBeUndefined();
});

test('the check above can fail: a value in .s2i/runtime-environment is found in the image', async () => {
  const { repo, name } = await p.newApp('s2i-overrides');
  const marker = randomBytes(16).toString('hex');
  const sha = await repo.commit({ '.s2i/runtime-environment': `GREETING=${marker}\n` });
  const reference = await p.expectPushed(await buildOn(t.services.docker, { name, repo, sha }));
  expect(JSON.stringify((await t.services.docker.getImage(reference).inspect()).Config.Env)).toContain(marker);
});

test('a fresh worker reuses the dependency layer pushed by the last build; changed manifests do not', async () => {
  const { repo, name } = await p.newApp('node-server');
  const first = await buildOn(t.services.docker, { name, repo });
  await p.expectPushed(first);
  expect(await p.log(first.id)).toContain(`--> Pushed dependency cache ${first.image!.repository}:cache-deps`);
  expect(await registryDigest({ repository: name, tag: 'cache-deps' })).toMatch(/^sha256:/);

  fresh = await startSecondDocker({ images: ['slipway-local/node:20-bookworm-slim'], from: t.services.docker });
  const sourceOnly = await repo.commit({ 'server.js': `${await readFixture('node-server/server.js')}\n// a source-only change\n` });
  const second = await buildOn(fresh.docker, { name, repo, sha: sourceOnly });
  await p.expectPushed(second);
  const secondLog = await p.log(second.id);
  expect(secondLog).toContain(`--> Cache source ${first.image!.repository}:cache-deps`);
  expect(cached(secondLog, /RUN npm ci/)).toBe(true);
  expect(cached(secondLog, /COPY \. \./)).toBe(false);

  const manifest = JSON.parse(await readFixture('node-server/package.json')) as Record<string, unknown>;
  const changed = await repo.commit({ 'package.json': JSON.stringify({ ...manifest, description: 'a manifest change' }, null, 2) });
  const third = await buildOn(fresh.docker, { name, repo, sha: changed });
  await p.expectPushed(third);
  expect(cached(await p.log(third.id), /RUN npm ci/)).toBe(false);
});

function readFixture(file: string): Promise<string> {
  return readFile(new URL(`../fixtures/apps/${file}`, import.meta.url), 'utf8');
}
